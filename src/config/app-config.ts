import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { CountryCode } from 'libphonenumber-js';
import { ApiKeyDto, parseApiKeys } from './api-key';
import { EnvDto } from './env.dto';

/** The typed, frozen configuration every other part injects. Nothing outside `config/` reads `process.env`. */
export class AppConfig {
  readonly port!: number;
  readonly databaseUrl!: string | undefined;
  readonly dataDir!: string;
  readonly apiKeys!: readonly ApiKeyDto[];
  readonly defaultRegion!: CountryCode;
  readonly linkBaseUrl!: string;
  readonly linkUsername!: string | undefined;
  readonly linkPassword!: string | undefined;
  readonly linkTimeoutMs!: number;
  readonly bodyLimitBytes!: number;
  readonly bulkBodyLimitBytes!: number;
  readonly logLevel!: string;
  readonly ingestConcurrency!: number;
  /** How often TypeORM retries the first connection; tests set it low. */
  readonly databaseRetryAttempts!: number;

  static of(values: Omit<AppConfig, never>): AppConfig {
    return Object.freeze(Object.assign(new AppConfig(), values));
  }
}

/** Validates the environment, throwing one message that lists every bad value. */
export function loadAppConfig(env: Record<string, unknown>): AppConfig {
  const dto = plainToInstance(EnvDto, blankToUndefined(env), { exposeDefaultValues: true });
  const problems = validateSync(dto, { stopAtFirstError: true }).flatMap((error) =>
    Object.values(error.constraints ?? {}).map((text) => `${error.property}: ${text}`),
  );
  const keys = dto.API_KEYS ? parseApiKeys(dto.API_KEYS) : { keys: [], problems: [] };
  problems.push(...keys.problems);
  if (problems.length > 0) {
    throw new Error(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return AppConfig.of({
    port: dto.PORT,
    databaseUrl: dto.DATABASE_URL,
    dataDir: dto.DATA_DIR,
    apiKeys: keys.keys,
    defaultRegion: dto.DEFAULT_REGION as CountryCode,
    linkBaseUrl: dto.LINK_BASE_URL,
    linkUsername: dto.LINK_USERNAME,
    linkPassword: dto.LINK_PASSWORD,
    linkTimeoutMs: dto.LINK_TIMEOUT_MS,
    bodyLimitBytes: dto.BODY_LIMIT_BYTES,
    bulkBodyLimitBytes: dto.BULK_BODY_LIMIT_BYTES,
    logLevel: dto.LOG_LEVEL,
    ingestConcurrency: dto.INGEST_CONCURRENCY,
    databaseRetryAttempts: 5,
  });
}

/** An empty variable (`PORT=`) means "use the default", as most tools read it. */
function blankToUndefined(env: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
}

/**
 * What the HTTP adapter needs before the app exists (body limit, log level). `.env` is already in
 * the environment: importing AppModule ran `ConfigModule.forRoot`.
 */
export function bootConfig(): AppConfig {
  return loadAppConfig(process.env);
}
