import { ArrayNotEmpty, IsArray, IsIn, IsString, Matches, MinLength, validateSync } from 'class-validator';
import { plainToInstance } from 'class-transformer';

export const ROLES = ['read', 'send', 'admin', 'webhook', 'metrics'] as const;
export type Role = (typeof ROLES)[number];

/** One entry of `API_KEYS`: `{"name", "secret", "roles": [...], "portfolios": ["*" or keys]}`. */
export class ApiKeyDto {
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'name must be 1-64 letters, digits, "_", "." or "-"' })
  name!: string;

  @IsString()
  @MinLength(16, { message: 'secret must be at least 16 characters' })
  secret!: string;

  @IsArray()
  @ArrayNotEmpty()
  @IsIn(ROLES, { each: true })
  roles!: Role[];

  @IsArray()
  @ArrayNotEmpty()
  @IsString({ each: true })
  portfolios!: string[];
}

/** Reads `API_KEYS` (or another JSON list of keys), answering a list of problems (one per bad value) instead of throwing. */
export function parseApiKeys(raw: string, source = 'API_KEYS'): { keys: ApiKeyDto[]; problems: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { keys: [], problems: [`${source} is not valid JSON`] };
  }
  if (!Array.isArray(parsed)) return { keys: [], problems: [`${source} must be a JSON list of keys`] };
  const keys = parsed.map((entry) => plainToInstance(ApiKeyDto, entry as object));
  const problems = keys.flatMap((key, index) =>
    validateSync(key, { stopAtFirstError: true }).flatMap((error) =>
      Object.values(error.constraints ?? {}).map((text) => `${source}[${index}]: ${text}`),
    ),
  );
  const names = keys.map((key) => key.name);
  names.forEach((name, index) => {
    if (names.indexOf(name) !== index) problems.push(`${source}[${index}]: name "${name}" is used twice`);
  });
  return { keys, problems };
}
