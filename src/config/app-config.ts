import 'reflect-metadata';
import { ConfigModule } from '@nestjs/config';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { CountryCode } from 'libphonenumber-js';
import { AddressRange, parseAddressList } from '../common/net/address-list';
import { ApiKeyDto, parseApiKeys } from './api-key';
import { expandLinkAddresses } from './link-addresses';
import { EnvDto } from './env.dto';

/** The typed, frozen configuration every other part injects. Only `bootConfig` reads `process.env`. */
export class AppConfig {
  readonly port!: number;
  readonly host!: string;
  readonly databaseUrl!: string | undefined;
  readonly dataDir!: string;
  readonly apiKeys!: readonly ApiKeyDto[];
  readonly defaultRegion!: CountryCode;
  /** Meta's contact-book launch: exchanges by phone number from then on log the person into it. */
  readonly contactBookSince!: Date;
  readonly linkBaseUrl!: string;
  readonly linkUsername!: string | undefined;
  readonly linkPassword!: string | undefined;
  readonly linkTimeoutMs!: number;
  readonly bodyLimitBytes!: number;
  readonly bulkBodyLimitBytes!: number;
  /** Largest body of a LINK call passed through as a stream (a media upload). */
  readonly passThroughBodyLimitBytes!: number;
  /** A pino level: fatal, error, warn, info, debug or trace. */
  readonly logLevel!: LogLevel;
  readonly rateLimit!: RateLimits;
  /** Who may post webhooks; `undefined` lets any address through. */
  readonly webhookAllowedRanges!: readonly AddressRange[] | undefined;
  /** Fastify's `trustProxy`: which proxies' X-Forwarded-For decides the client address. */
  readonly trustProxy!: boolean | number | string[];
  /** CORS origins; empty turns CORS off. */
  readonly corsOrigins!: readonly string[];
  readonly shutdownGraceMs!: number;
  /** After SIGTERM, readiness fails this long before the listener closes. */
  readonly shutdownDelayMs!: number;
  /** Whether /docs and /docs-json are served. */
  readonly apiDocs!: boolean;
  readonly ingestConcurrency!: number;
  /** How often TypeORM retries the first connection; tests set it low. */
  readonly databaseRetryAttempts!: number;
  /** Days sent messages and webhook receipts are kept before the prune deletes them. */
  readonly retentionDays!: number;
  readonly events!: EventsConfig;

  static of(values: Omit<AppConfig, never>): AppConfig {
    return Object.freeze(Object.assign(new AppConfig(), values));
  }
}

/** Identity-change events: how long they are kept, where and how they are delivered. */
export interface EventsConfig {
  retentionDays: number;
  allowPrivate: boolean;
  allowHttp: boolean;
  /** Whether this process runs the delivery worker. */
  deliver: boolean;
  pollMs: number;
  timeoutMs: number;
  retry: { baseMs: number; maxMs: number; giveUpAfterMs: number };
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** Requests per key in each window of `windowMs`; 0 means no limit. */
export interface RateLimits {
  windowMs: number;
  api: number;
  webhooks: number;
}

/** Validates the environment, throwing one message that lists every bad value. */
export function loadAppConfig(env: Record<string, unknown>): AppConfig {
  const dto = plainToInstance(EnvDto, blankToUndefined(env), { exposeDefaultValues: true });
  const problems = validateSync(dto, { stopAtFirstError: true }).flatMap((error) =>
    Object.values(error.constraints ?? {}).map((text) => `${error.property}: ${text}`),
  );
  const keys = dto.API_KEYS ? parseApiKeys(dto.API_KEYS) : { keys: [], problems: [] };
  problems.push(...keys.problems);
  const webhookSources =
    dto.WEBHOOK_ALLOWED_CIDRS === undefined
      ? undefined
      : parseAddressList(expandLinkAddresses(dto.WEBHOOK_ALLOWED_CIDRS), 'WEBHOOK_ALLOWED_CIDRS');
  problems.push(...(webhookSources?.problems ?? []));
  const trustProxy = readTrustProxy(dto.TRUST_PROXY);
  problems.push(...trustProxy.problems);
  const corsOrigins = (dto.CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  for (const origin of corsOrigins) {
    // A browser sends its origin as scheme://host[:port]: anything else would silently never match.
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin))
      problems.push(`CORS_ORIGINS: "${origin}" is not an origin such as https://crm.example.com`);
  }
  if (dto.SHUTDOWN_DELAY_MS >= dto.SHUTDOWN_GRACE_MS && dto.SHUTDOWN_DELAY_MS > 0) {
    problems.push('SHUTDOWN_DELAY_MS: must be shorter than SHUTDOWN_GRACE_MS, which counts from the same signal');
  }
  if (trustProxy.value === true && webhookSources) {
    // The client writes the left end of X-Forwarded-For: trusting every hop trusts the client.
    problems.push('TRUST_PROXY: with WEBHOOK_ALLOWED_CIDRS, name the proxies (addresses or CIDRs) or a hop count, not true');
  }
  if (problems.length > 0) {
    throw new Error(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return AppConfig.of({
    port: dto.PORT,
    host: dto.HOST,
    databaseUrl: dto.DATABASE_URL,
    dataDir: dto.DATA_DIR,
    apiKeys: keys.keys,
    defaultRegion: dto.DEFAULT_REGION as CountryCode,
    contactBookSince: new Date(dto.CONTACT_BOOK_SINCE),
    linkBaseUrl: dto.LINK_BASE_URL,
    linkUsername: dto.LINK_USERNAME,
    linkPassword: dto.LINK_PASSWORD,
    linkTimeoutMs: dto.LINK_TIMEOUT_MS,
    bodyLimitBytes: dto.BODY_LIMIT_BYTES,
    bulkBodyLimitBytes: dto.BULK_BODY_LIMIT_BYTES,
    passThroughBodyLimitBytes: dto.PASS_THROUGH_BODY_LIMIT_BYTES,
    logLevel: ({ log: 'info', verbose: 'trace' } as Record<string, LogLevel>)[dto.LOG_LEVEL] ?? (dto.LOG_LEVEL as LogLevel),
    rateLimit: { windowMs: dto.RATE_LIMIT_WINDOW_SECONDS * 1000, api: dto.RATE_LIMIT_API, webhooks: dto.RATE_LIMIT_WEBHOOKS },
    webhookAllowedRanges: webhookSources?.ranges,
    trustProxy: trustProxy.value,
    corsOrigins,
    shutdownGraceMs: dto.SHUTDOWN_GRACE_MS,
    shutdownDelayMs: dto.SHUTDOWN_DELAY_MS,
    apiDocs: dto.API_DOCS === 'true',
    ingestConcurrency: dto.INGEST_CONCURRENCY,
    databaseRetryAttempts: 5,
    retentionDays: dto.RETENTION_DAYS,
    events: {
      retentionDays: dto.EVENTS_RETENTION_DAYS,
      allowPrivate: dto.EVENTS_ALLOW_PRIVATE === 'true',
      allowHttp: dto.EVENTS_ALLOW_HTTP === 'true',
      deliver: dto.EVENTS_DELIVERY === 'true',
      pollMs: dto.EVENTS_POLL_MS,
      timeoutMs: dto.EVENTS_TIMEOUT_MS,
      retry: { baseMs: dto.EVENTS_RETRY_BASE_MS, maxMs: dto.EVENTS_RETRY_MAX_MS, giveUpAfterMs: dto.EVENTS_RETRY_FOR_SECONDS * 1000 },
    },
  });
}

/** `TRUST_PROXY`: unset or `false` trusts nobody, `true` every proxy, a number that many hops, else a list of proxies. */
function readTrustProxy(raw: string | undefined): { value: boolean | number | string[]; problems: string[] } {
  const text = raw?.trim().toLowerCase();
  if (text === undefined || text === 'false') return { value: false, problems: [] };
  if (text === 'true') return { value: true, problems: [] };
  if (/^\d+$/.test(text)) return { value: Number(text), problems: [] };
  const list = parseAddressList(raw as string, 'TRUST_PROXY');
  return { value: list.ranges.map((range) => `${range.address}/${range.prefix}`), problems: list.problems };
}

/** An empty variable (`PORT=`) means "use the default", as most tools read it. */
function blankToUndefined(env: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
}

/**
 * The configuration of this process, read once at boot by `main.ts`, the migration CLI and the tests,
 * and passed in from there: the one reader of `process.env`. A `.env` in the working directory fills
 * in what the environment does not set.
 */
export async function bootConfig(): Promise<AppConfig> {
  // @nestjs/config stays as the `.env` reader it always was (dotenv, set variables win); its module is not used.
  await ConfigModule.forRoot();
  return loadAppConfig(process.env);
}
