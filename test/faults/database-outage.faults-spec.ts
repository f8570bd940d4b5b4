// PostgreSQL stopped in the middle of a stream of webhooks: the service answers 503 while it is down,
// stays up, recovers by itself once it is back, and loses nothing it acknowledged.
import type { Agent } from 'node:http';
import { get, keepAliveAgent, send } from './support/http';
import { PgCluster } from './support/pg-cluster';
import {
  killService,
  note,
  removeTempDirs,
  Service,
  sleep,
  startService,
  tempDir,
  waitFor,
  waitReady,
  WEBHOOK_AUTH,
} from './support/service';
import { identity, moBody, receiptKey, WebhookStream } from './support/webhooks';

const CONCURRENCY = 8;
const RATE_PER_SECOND = 150;

describe('PostgreSQL stopped in the middle of a stream of webhooks', () => {
  let cluster: PgCluster | undefined;
  const services: Service[] = [];
  const agents: Agent[] = [];

  beforeAll(async () => {
    cluster = await PgCluster.create();
    await cluster.start();
  });

  afterAll(async () => {
    for (const service of services) await killService(service);
    for (const agent of agents) agent.destroy();
    await cluster?.destroy();
    removeTempDirs();
  });

  it.each([
    ['fast', 1],
    ['immediate', 2],
  ] as const)('pg_ctl stop -m %s: 503 while down, recovery without restart, every acknowledged webhook stored', async (mode, series) => {
    const pg = cluster as PgCluster;
    // The case before may have failed with the cluster stopped.
    if (!(await pg.running())) await pg.start();
    const database = `contact_book_faults_${mode}`;
    const service = await startService({ DATABASE_URL: await pg.createDatabase(database), DATA_DIR: tempDir('pg') });
    services.push(service);
    const agent = keepAliveAgent();
    agents.push(agent);
    const stream = new WebhookStream({ port: service.port, series, concurrency: CONCURRENCY, ratePerSecond: RATE_PER_SECOND, agent });
    const diagnostics = () => `stream: ${stream.summary()}\n--- service output ---\n${service.output()}\n--- postgres log ---\n${pg.log()}`;

    try {
      await waitFor(
        () => stream.delivered.size >= 150,
        30_000,
        '150 webhooks answered 2xx before the outage',
        () => stream.summary(),
      );
      const before = stream.stats();

      await pg.stop(mode);
      const downAt = Date.now();
      await waitFor(
        () => stream.attempts.some((a) => a.status === 503 && a.sentAt >= downAt),
        20_000,
        'a webhook answered 503 while PostgreSQL is down',
        () => stream.summary(),
      );
      const ready = await get(service.port, '/health/ready', undefined, 10_000);
      expect(ready.status).toBe(503);
      const probe = await send(service.port, 'POST', '/webhooks/link/mo', WEBHOOK_AUTH, moBody(identity(series, 999_999)), {
        timeoutMs: 15_000,
      });
      expect(probe.status).toBe(503);
      expect(JSON.parse(probe.body)).toEqual({
        resultCode: 112903,
        description: expect.stringContaining('retry later'),
        translatedDescription: null,
      });
      // Down for a while longer, the stream still running.
      await sleep(1_500);
      expect(service.exit()).toBeUndefined();

      const upAt = Date.now();
      await pg.start();
      const recoveryMs = await waitReady(service, 60_000);
      const deliveredAtRecovery = stream.delivered.size;
      await waitFor(
        () => stream.delivered.size >= deliveredAtRecovery + 150,
        30_000,
        '150 more webhooks answered 2xx after recovery',
        () => stream.summary(),
      );
      await stream.finish(60_000);
      expect(service.exit()).toBeUndefined();

      const stats = stream.stats();
      const down = stream.attempts.filter((a) => a.sentAt >= downAt && a.answeredAt <= upAt);
      const downCounts = {
        requests: down.length,
        s503: down.filter((a) => a.status === 503).length,
        ok2xx: down.filter((a) => a.status !== undefined && a.status < 300).length,
        errors: down.filter((a) => a.error).length,
      };
      note(
        `stop -m ${mode}: before the stop ${before.delivered} delivered; while down (${upAt - downAt} ms) ${JSON.stringify(downCounts)}; ` +
          `ready again ${recoveryMs} ms after start; total ${JSON.stringify(stats)}`,
      );

      // Nothing but 2xx and 503 with LINK's ErrorResponse (a 500 or a bad body would be in `failed`).
      expect({ failed: stream.failed.size, other: stats.other }).toEqual({ failed: 0, other: 0 });
      // While the database was down nothing sent was acknowledged, and the webhooks were told to retry.
      expect(downCounts.ok2xx).toBe(0);
      expect(downCounts.s503).toBeGreaterThan(0);
      expect(stats.resentWebhooks).toBeGreaterThan(0);
      expect(stream.undelivered()).toEqual([]);
      // `duplicate` only for a webhook whose earlier attempt failed (it may have committed before the answer was lost).
      const firstTryDuplicates = stream.indexes().filter((index) => stream.attempts.find((a) => a.index === index)?.detail === 'duplicate');
      expect(firstTryDuplicates).toEqual([]);

      // Every webhook answered 2xx: its receipt, and one live contact holding its phone and BSUID.
      const ids = stream.indexes().map((index) => identity(series, index));
      const receipts = await pg.query<{ key: string }>(
        database,
        `SELECT key FROM webhook_receipt WHERE portfolio = 'default' AND key = ANY($1)`,
        [ids.map(receiptKey)],
      );
      const contacts = await pg.query<{ msisdn: string; bsuid: string }>(
        database,
        `SELECT msisdn, bsuid FROM contact WHERE portfolio = 'default' AND merged_into IS NULL AND msisdn = ANY($1)`,
        [ids.map((id) => id.phone)],
      );
      const stored = new Map(contacts.map((c) => [c.msisdn, c.bsuid]));
      const receiptKeys = new Set(receipts.map((r) => r.key));
      const missing = ids.filter((id) => !receiptKeys.has(receiptKey(id)) || stored.get(id.phone) !== id.bsuid).map((id) => id.messageId);
      expect({ missing: missing.slice(0, 10), missingCount: missing.length }).toEqual({ missing: [], missingCount: 0 });
      expect(receipts).toHaveLength(ids.length);
      expect(contacts).toHaveLength(ids.length);
      // The probe answered 503 while the database was down left nothing behind.
      const [{ count: probeRows }] = await pg.query<{ count: string }>(database, `SELECT count(*) FROM contact WHERE msisdn = $1`, [
        identity(series, 999_999).phone,
      ]);
      expect(Number(probeRows)).toBe(0);
    } catch (error) {
      stream.abort();
      note(`FAILED (stop -m ${mode}):\n${diagnostics()}`);
      throw error;
    } finally {
      stream.abort();
      await stream.settled();
    }
  });
});
