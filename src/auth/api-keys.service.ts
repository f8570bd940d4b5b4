import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../common/errors/app-error';
import { ApiKeyDto, parseApiKeys, Role } from '../config/api-key';
import { AppConfig } from '../config/app-config';
import { readAuthorization } from './authorization-header';

/** Who is calling: the key's name, roles and the portfolios it reaches. */
export interface Principal {
  name: string;
  roles: readonly Role[];
  portfolios: readonly string[];
}

interface StoredKey extends Principal {
  digest: Buffer;
}

const GENERATED_KEY_FILE = 'admin-key.json';

/**
 * API keys from `API_KEYS`; with none configured, an admin key generated at first start and kept
 * in the data folder, so that the service never runs open. Secrets are compared as SHA-256
 * digests with `timingSafeEqual`, so neither length nor content leaks through timing.
 */
@Injectable()
export class ApiKeysService implements OnModuleInit {
  private readonly logger = new Logger(ApiKeysService.name);
  private keys: StoredKey[] = [];

  constructor(private readonly config: AppConfig) {}

  onModuleInit(): void {
    const configured = this.config.apiKeys.length > 0 ? [...this.config.apiKeys] : [this.generatedAdminKey()];
    this.keys = configured.map((key) => ({ name: key.name, roles: key.roles, portfolios: key.portfolios, digest: digest(key.secret) }));
  }

  /** Reads `Authorization: Bearer <secret>` or `Basic <name:secret>`. */
  authenticate(header: string | undefined): Principal {
    const credentials = header ? readAuthorization(header) : undefined;
    if (!credentials) throw AppError.unauthorized('Unauthorized: send Authorization: Bearer <secret> or Basic <name:secret>');
    const { secret } = credentials;
    const name = credentials.scheme === 'basic' ? credentials.name : undefined;
    const candidate = digest(secret);
    // Compare against every key, so that the time taken does not tell which one matched.
    let found: StoredKey | undefined;
    for (const key of this.keys) {
      if (timingSafeEqual(key.digest, candidate) && (name === undefined || name === key.name)) found ??= key;
    }
    if (!found) throw AppError.unauthorized();
    return { name: found.name, roles: found.roles, portfolios: found.portfolios };
  }

  private generatedAdminKey(): ApiKeyDto {
    const folder = resolve(this.config.dataDir);
    const file = join(folder, GENERATED_KEY_FILE);
    if (existsSync(file)) {
      const { keys, problems } = parseApiKeys(`[${readFileSync(file, 'utf8')}]`, 'the key');
      if (problems.length > 0) {
        throw new Error(`${file} holds no valid key (${problems.join('; ')}): fix it, or delete it to have a new admin key made`);
      }
      this.logger.log(`No API_KEYS configured: using the admin key in ${file}`);
      return keys[0];
    }
    const key: ApiKeyDto = { name: 'admin', secret: randomBytes(24).toString('base64url'), roles: ['admin'], portfolios: ['*'] };
    mkdirSync(folder, { recursive: true });
    writeFileSync(file, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    this.logger.warn(`No API_KEYS configured: created an admin key, its secret is in ${file}`);
    return key;
  }
}

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Whether a principal reaches a portfolio. */
export function reaches(principal: Principal, portfolio: string): boolean {
  return principal.portfolios.includes('*') || principal.portfolios.includes(portfolio);
}

/** The portfolios a principal reaches, as the predicate on portfolio keys that PortfoliosService takes. */
export function reachOf(principal: Principal): (portfolio: string) => boolean {
  return (portfolio) => reaches(principal, portfolio);
}

/** Refuses (403) a portfolio the principal does not reach. */
export function assertReaches(principal: Principal, portfolio: string, message = `No access to portfolio ${portfolio}`): void {
  if (!reaches(principal, portfolio)) throw AppError.noAccess(message);
}

/** `admin` holds every role. */
export function hasRole(principal: Principal, roles: readonly Role[]): boolean {
  return principal.roles.includes('admin') || roles.some((role) => principal.roles.includes(role));
}
