import { Type } from 'class-transformer';
import { IsIn, IsInt, IsIP, IsISO31661Alpha2, IsISO8601, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'log', 'debug', 'trace', 'verbose'];

/** What the environment (or a `.env` file) may hold. Validated once at start; see `app-config.ts`. */
export class EnvDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** The address to listen on: every interface by default, `127.0.0.1` for this machine only. */
  @IsOptional()
  @IsIP()
  HOST = '0.0.0.0';

  @IsOptional()
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true })
  DATABASE_URL?: string;

  @IsOptional()
  @IsString()
  DATA_DIR = './data';

  @IsOptional()
  @IsString()
  API_KEYS?: string;

  @IsOptional()
  @IsISO31661Alpha2()
  @Matches(/^[A-Z]{2}$/, { message: 'DEFAULT_REGION must be two upper-case letters' })
  DEFAULT_REGION = 'SE';

  /**
   * Meta's contact-book launch: an exchange by phone number on or after it logs the person into the
   * business's contact book. A date (UTC midnight) or a date-time with its zone.
   */
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/, {
    message: 'CONTACT_BOOK_SINCE must be a date (2026-04-01) or a date-time with its zone (2026-04-01T00:00:00Z)',
  })
  CONTACT_BOOK_SINCE = '2026-04-01';

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  LINK_BASE_URL = 'https://n-eu.linkmobility.io/whatsapp-message';

  @IsOptional()
  @IsString()
  LINK_USERNAME?: string;

  @IsOptional()
  @IsString()
  LINK_PASSWORD?: string;

  /** How long a request to LINK (template sync, the proxy) may take, answer included. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(300_000)
  LINK_TIMEOUT_MS = 10_000;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  /** For the endpoints that take lists (resolve, import): 10,000 rows do not fit in 1 MB. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(256 * 1024 * 1024)
  BULK_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

  /** For LINK calls passed through as streams (media uploads): LINK takes documents of up to 100 MB. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(1024 * 1024 * 1024)
  PASS_THROUGH_BODY_LIMIT_BYTES = 128 * 1024 * 1024;

  /** Webhook transactions running at once (each carries every webhook waiting when it starts). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  INGEST_CONCURRENCY = 1;

  /** `log` and `info` are the same level, as are `verbose` and `trace`. */
  @IsOptional()
  @IsIn(LOG_LEVELS)
  LOG_LEVEL = 'info';

  /** Length of a rate-limit window; each key gets the limits below per window, per replica. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  RATE_LIMIT_WINDOW_SECONDS = 10;

  /** Requests per key and window on the API (everything but webhooks, health and metrics); 0 is no limit. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  RATE_LIMIT_API = 3_000;

  /** Webhook requests per key and window; 0 is no limit. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  RATE_LIMIT_WEBHOOKS = 50_000;

  /** Comma-separated addresses or CIDRs that may post webhooks (`link`: LINK's own hosts); unset lets any address through. */
  @IsOptional()
  @IsString()
  WEBHOOK_ALLOWED_CIDRS?: string;

  /** Proxies in front: `true`, a hop count, or comma-separated addresses/CIDRs; decides the client address. */
  @IsOptional()
  @IsString()
  TRUST_PROXY?: string;

  /** Comma-separated origins allowed by CORS, or `*`; unset turns CORS off. */
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  /** Serve the API reference (/docs, /docs-json) to any valid key. */
  @IsOptional()
  @IsIn(['true', 'false'])
  API_DOCS = 'true';

  /** After SIGTERM, how long readiness fails while requests are still served, before the listener closes. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  SHUTDOWN_DELAY_MS = 0;

  /** After SIGTERM, how long in-flight requests may take before the process exits anyway (code 1). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600_000)
  SHUTDOWN_GRACE_MS = 10_000;

  /** Days a sent message (for DLR attribution) and a webhook receipt (for redeliveries) are kept. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  RETENTION_DAYS = 30;
  /** Days identity-change events are kept for CRMs to read (and deliveries to be replayed) before the prune deletes them. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  EVENTS_RETENTION_DAYS = 30;

  /** Lets subscriptions deliver to loopback, private and link-local addresses (a CRM on the internal network, tests). */
  @IsOptional()
  @IsIn(['true', 'false'])
  EVENTS_ALLOW_PRIVATE = 'false';

  /** Lets subscriptions use plain http: URLs; events carry phone numbers, so https is the default. */
  @IsOptional()
  @IsIn(['true', 'false'])
  EVENTS_ALLOW_HTTP = 'false';

  /** Whether this process delivers events to subscriptions (any number of replicas may). */
  @IsOptional()
  @IsIn(['true', 'false'])
  EVENTS_DELIVERY = 'true';

  /** How often the delivery worker looks for new events and due retries. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(600_000)
  EVENTS_POLL_MS = 1_000;

  /** Total time for one delivery attempt (resolving, connecting, sending, the whole answer) before it counts as failed. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120_000)
  EVENTS_TIMEOUT_MS = 10_000;

  /** The first wait after a failed delivery; each further failure doubles it, with jitter. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  EVENTS_RETRY_BASE_MS = 5_000;

  /** The longest wait between two attempts. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400_000)
  EVENTS_RETRY_MAX_MS = 3_600_000;

  /** A delivery still failing this long after its event was queued is marked failed (replayable). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_592_000)
  EVENTS_RETRY_FOR_SECONDS = 86_400;
}
