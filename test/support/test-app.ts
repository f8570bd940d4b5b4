import { Test } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp, createHttpAdapter } from '../../src/app.setup';
import { LinkProxyService } from '../../src/dispatch/link-proxy.service';
import { IngestService } from '../../src/graph/ingest.service';
import { DEADLOCK_DETECTED, sqlState } from '../../src/common/errors/database-errors';
import { ApiKeyDto } from '../../src/config/api-key';
import { AppConfig, bootConfig } from '../../src/config/app-config';
import { LOG_DESTINATION } from '../../src/observability/logging';
import { PortfoliosService } from '../../src/portfolios/portfolios.service';
import { TemplatesService } from '../../src/templates/templates.service';

export const KEYS = {
  admin: 'admin-secret-0123456789',
  crm: 'crm-acme-secret-0123456789',
  webhook: 'link-webhook-secret-0123456789',
  acmeWebhook: 'acme-webhook-secret-0123456789',
  globexAdmin: 'globex-admin-secret-0123456789',
  sender: 'acme-sender-secret-0123456789',
  metrics: 'prometheus-secret-0123456789',
} as const;

export const TEST_API_KEYS: ApiKeyDto[] = [
  { name: 'admin', secret: KEYS.admin, roles: ['admin'], portfolios: ['*'] },
  { name: 'crm', secret: KEYS.crm, roles: ['read'], portfolios: ['acme'] },
  { name: 'link', secret: KEYS.webhook, roles: ['webhook'], portfolios: ['*'] },
  { name: 'acme-link', secret: KEYS.acmeWebhook, roles: ['webhook'], portfolios: ['acme'] },
  { name: 'globex-admin', secret: KEYS.globexAdmin, roles: ['admin'], portfolios: ['globex'] },
  { name: 'acme-sender', secret: KEYS.sender, roles: ['send'], portfolios: ['acme'] },
  { name: 'prometheus', secret: KEYS.metrics, roles: ['metrics'], portfolios: ['*'] },
];

export interface TestApp {
  app: NestFastifyApplication;
  /** The server to hand to supertest. */
  http: ReturnType<NestFastifyApplication['getHttpServer']>;
  dataSource: DataSource;
  config: AppConfig;
  resetDatabase(): Promise<void>;
  close(): Promise<void>;
  /** Posts a webhook as LINK does (Basic auth with the key's name and secret). */
  postMo(body: unknown): request.Test;
  postDlr(body: unknown): request.Test;
  putPortfolio(key: string, body: Record<string, unknown>): Promise<void>;
  /** Live (not merged-away) contacts of a portfolio, straight from the database. */
  contactsOf(portfolio: string): Promise<{ id: string; msisdn: string | null; bsuid: string | null; parentBsuid: string | null }[]>;
}

/**
 * The real AppModule, configured as `main.ts` does, on PostgreSQL when DATABASE_URL is set (its
 * database name must contain "test") or else on a fresh in-memory PGlite.
 */
export async function createTestApp(
  overrides: Partial<AppConfig> = {},
  options: { logDestination?: DestinationStream } = {},
): Promise<TestApp> {
  const fromEnv = await bootConfig();
  if (fromEnv.databaseUrl && !/test/i.test(new URL(fromEnv.databaseUrl).pathname)) {
    throw new Error(`Refusing to run tests on ${new URL(fromEnv.databaseUrl).pathname}: its name must contain "test"`);
  }
  const config = AppConfig.of({
    ...fromEnv,
    dataDir: 'memory://',
    apiKeys: TEST_API_KEYS,
    databaseRetryAttempts: 1,
    logLevel: 'error',
    // Suites send far more than a client would; the rate-limit suite sets its own limits.
    rateLimit: { windowMs: 10_000, api: 0, webhooks: 0 },
    ...overrides,
  });
  // Passed in as main.ts passes its own, so the tests build the same module graph.
  let builder = Test.createTestingModule({ imports: [AppModule.forRoot(config)] });
  if (options.logDestination) builder = builder.overrideProvider(LOG_DESTINATION).useValue(options.logDestination);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(config), {
    logger: ['error', 'warn'],
    bodyParser: false,
  });
  await configureApp(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const dataSource = app.get(DataSource);
  const http = app.getHttpServer();
  const basic = (secret: string) => `Basic ${Buffer.from(`link:${secret}`).toString('base64')}`;

  return {
    app,
    http,
    dataSource,
    config,
    async resetDatabase() {
      // What the last test's sends left to record lands before the reset, not in the next test.
      await app.get(LinkProxyService).whenIdle();
      await app.get(IngestService).whenIdle();
      // The event delivery worker may hold some of these tables and wait for another: PostgreSQL
      // then ends one side as a deadlock, and when it is the TRUNCATE it is simply run again.
      for (let attempt = 1; ; attempt++) {
        try {
          await dataSource.query(
            'TRUNCATE contact, contact_exchange, contact_book_entry, link_history, link_conflict, webhook_receipt, graph_observation, template, business_number, sent_message, identity_event, event_subscription, event_delivery, user_profile',
          );
          break;
        } catch (error) {
          if (sqlState(error) !== DEADLOCK_DETECTED || attempt === 5) throw error;
        }
      }
      await dataSource.query(`DELETE FROM portfolio WHERE key <> 'default'`);
      app.get(PortfoliosService).invalidate();
      app.get(TemplatesService).invalidate();
    },
    close: () => app.close(),
    postMo: (body) =>
      request(http)
        .post('/webhooks/link/mo')
        .set('Authorization', basic(KEYS.webhook))
        .send(body as object),
    postDlr: (body) =>
      request(http)
        .post('/webhooks/link/dlr')
        .set('Authorization', basic(KEYS.webhook))
        .send(body as object),
    async putPortfolio(key, body) {
      const res = await request(http).put(`/v1/portfolios/${key}`).auth(KEYS.admin, { type: 'bearer' }).send(body);
      if (res.status >= 300) throw new Error(`PUT portfolio ${key} answered ${res.status}: ${JSON.stringify(res.body)}`);
    },
    contactsOf: (portfolio) =>
      dataSource.query(
        `SELECT id, msisdn, bsuid, parent_bsuid AS "parentBsuid" FROM contact
         WHERE portfolio = $1 AND merged_into IS NULL ORDER BY first_seen_at, id`,
        [portfolio],
      ),
  };
}

/** A LINK payload from `test/fixtures/link`, as a fresh object to change freely. */
export function fixture(name: string): Record<string, any> {
  return JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'link', `${name}.json`), 'utf8'));
}
