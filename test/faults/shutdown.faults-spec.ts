// SIGTERM: requests in flight (a send through the LINK proxy held by a slow LINK, webhooks held by a
// table lock) finish with 2xx, new connections are refused, what was acknowledged is stored, and the
// process exits 0; past SHUTDOWN_GRACE_MS it exits 1 instead.
import type { Agent } from 'node:http';
import { Client } from 'pg';
import { FakeLink, startFakeLink } from '../support/fake-link';
import { Answer, connectionRefused, keepAliveAgent, parseJson, send } from './support/http';
import { PgCluster } from './support/pg-cluster';
import {
  ADMIN_AUTH,
  exitWithin,
  killService,
  note,
  removeTempDirs,
  SENDER_AUTH,
  Service,
  sleep,
  startService,
  tempDir,
  waitFor,
  WEBHOOK_AUTH,
} from './support/service';
import { BUSINESS_NUMBER, identity, moBody, receiptKey } from './support/webhooks';

const SERIES = 4;
const BURST = 60;
const GRACE_MS = 15_000;

const ACME = { businessNumbers: [BUSINESS_NUMBER], platformId: 'TEST_XA', platformPartnerId: '1', region: 'SE' };
const messageRequest = (destination: string) => ({
  platformId: 'TEST_XA',
  platformPartnerId: '1',
  priority: 'NORMAL',
  refId: 'faults-shutdown',
  source: BUSINESS_NUMBER,
  destinations: [destination],
  messages: [{ type: 'text', text: { body: 'Your order has shipped' } }],
});
const queued = (delayMs: number) => ({
  status: 200,
  delayMs,
  body: { resultCode: 112001, description: 'queued', messageIds: ['link-id-1'] },
});

type Outcome = { answer?: Answer; error?: string };
const outcome = (promise: Promise<Answer>): Promise<Outcome> =>
  promise.then(
    (answer) => ({ answer }),
    (error: NodeJS.ErrnoException) => ({ error: error.code ?? error.message }),
  );

describe('SIGTERM', () => {
  let cluster: PgCluster | undefined;
  let link: FakeLink | undefined;
  const services: Service[] = [];
  const agents: Agent[] = [];
  let locker: Client | undefined;

  beforeAll(async () => {
    cluster = await PgCluster.create();
    await cluster.start();
    link = await startFakeLink();
  });

  afterAll(async () => {
    for (const service of services) await killService(service);
    for (const agent of agents) agent.destroy();
    await locker?.end().catch(() => undefined);
    await link?.close();
    await cluster?.destroy();
    removeTempDirs();
  });

  async function start(database: string, graceMs: number, env: Record<string, string> = {}): Promise<Service> {
    const pg = cluster as PgCluster;
    const service = await startService({
      DATABASE_URL: await pg.createDatabase(database),
      DATA_DIR: tempDir('shutdown'),
      LINK_BASE_URL: (link as FakeLink).baseUrl,
      LINK_USERNAME: 'link-user',
      LINK_PASSWORD: 'link-pass',
      SHUTDOWN_GRACE_MS: String(graceMs),
      ...env,
    });
    services.push(service);
    const put = await send(service.port, 'PUT', '/v1/portfolios/acme', ADMIN_AUTH, ACME, { timeoutMs: 10_000 });
    if (put.status >= 300) throw new Error(`PUT /v1/portfolios/acme answered ${put.status}: ${put.body}`);
    return service;
  }

  it('lets requests in flight finish with 2xx, refuses new connections, stores every acknowledged webhook and exits 0', async () => {
    const pg = cluster as PgCluster;
    const fake = link as FakeLink;
    fake.reset();
    const database = 'contact_book_faults_sigterm';
    const service = await start(database, GRACE_MS);
    const port = service.port;
    const diagnostics: string[] = [];
    try {
      // A send through the proxy that LINK answers only after 3 s, and whose record then takes 1 s
      // to write: the process must not close the database under it.
      await pg.query(
        database,
        `CREATE FUNCTION slow_sent() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(1); RETURN NEW; END $$`,
        [],
      );
      await pg.query(
        database,
        `CREATE TRIGGER slow_sent BEFORE INSERT ON sent_message FOR EACH STATEMENT EXECUTE FUNCTION slow_sent()`,
        [],
      );
      fake.enqueue(queued(3_000));
      const proxied = outcome(send(port, 'POST', '/link/messages', SENDER_AUTH, messageRequest('+46701234567'), { timeoutMs: 30_000 }));
      await waitFor(() => fake.requests.length === 1, 15_000, 'the proxied request to reach LINK');

      // A burst of webhooks, held in the service by a lock on the receipts table (released after SIGTERM).
      locker = new Client({ connectionString: pg.url(database) });
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE webhook_receipt IN EXCLUSIVE MODE');
      const agent = keepAliveAgent();
      agents.push(agent);
      let written = 0;
      const ids = Array.from({ length: BURST }, (_, index) => identity(SERIES, index));
      const webhooks = ids.map((id) =>
        outcome(send(port, 'POST', '/webhooks/link/mo', WEBHOOK_AUTH, moBody(id), { agent, timeoutMs: 30_000, onSent: () => written++ })),
      );
      await waitFor(() => written === BURST, 15_000, 'every webhook of the burst written');
      await waitFor(
        async () =>
          (await locker!.query(`SELECT 1 FROM pg_locks WHERE NOT granted AND relation = 'webhook_receipt'::regclass`)).rowCount! > 0,
        15_000,
        'the service waiting on the receipts table',
      );
      await sleep(800); // every webhook written has been read by the service by now (the lock waits up to 5 s)

      const signalledAt = Date.now();
      service.child.kill('SIGTERM');
      let refusedAfterMs: number | undefined;
      const refusing = waitFor(() => connectionRefused(port), 10_000, 'new connections refused after SIGTERM').then(
        (ms) => (refusedAfterMs = ms),
      );
      await Promise.race([refusing, sleep(2_000)]);
      await locker.query('COMMIT');
      await locker.end();
      locker = undefined;
      await refusing;

      const results = await Promise.all(webhooks);
      const proxy = await proxied;
      // The client keeps its kept-alive connections open, as LINK's senders do: the shutdown must not wait for them.
      const exit = await exitWithin(service, GRACE_MS + 5_000);
      const statuses = results.map((r) => r.answer?.status ?? r.error);
      const count = (value: unknown) => statuses.filter((s) => s === value).length;
      diagnostics.push(
        `webhooks: ${count(200)} 2xx, ${count(503)} 503, ${results.filter((r) => r.error).length} errors (${[...new Set(results.map((r) => r.error).filter(Boolean))].join(', ')}); ` +
          `proxy: ${proxy.answer?.status ?? proxy.error}; refused ${refusedAfterMs} ms after SIGTERM; exit ${JSON.stringify(exit)} ${exit ? exit.at - signalledAt : '-'} ms after SIGTERM`,
      );
      note(`SIGTERM: ${diagnostics.join('; ')}`);
      if (exit?.code === 1 && statuses.every((status) => status === 200) && proxy.answer?.status === 200) {
        note(
          'SIGTERM: every request in flight was answered, yet the process ran out its grace: it waited on something after them (idle kept-alive connections, say)',
        );
      }

      expect(proxy.answer?.status).toBe(200);
      expect(parseJson(proxy.answer?.body ?? '')).toMatchObject({ resultCode: 112001, messageIds: ['link-id-1'] });
      expect(statuses.filter((status) => status !== 200)).toEqual([]);
      expect(results.map((r) => parseJson(r.answer?.body ?? '')?.status).filter((status) => status !== 'applied')).toEqual([]);
      expect(refusedAfterMs).toBeDefined();

      // Every webhook answered 2xx: its receipt and its contact.
      const receipts = await pg.query<{ key: string }>(
        database,
        `SELECT key FROM webhook_receipt WHERE portfolio = 'acme' AND key = ANY($1)`,
        [ids.map(receiptKey)],
      );
      const contacts = await pg.query<{ msisdn: string; bsuid: string }>(
        database,
        `SELECT msisdn, bsuid FROM contact WHERE portfolio = 'acme' AND merged_into IS NULL AND msisdn = ANY($1)`,
        [ids.map((id) => id.phone)],
      );
      expect(receipts).toHaveLength(BURST);
      // The send's record, written after its answer, was kept before the process stopped.
      const sent = await pg.query<{ message_id: string }>(database, `SELECT message_id FROM sent_message`, []);
      expect(sent.map((row) => row.message_id)).toEqual(['link-id-1']);
      const stored = new Map(contacts.map((c) => [c.msisdn, c.bsuid]));
      expect(ids.filter((id) => stored.get(id.phone) !== id.bsuid).map((id) => id.messageId)).toEqual([]);

      expect(exit).toMatchObject({ code: 0, signal: null });
      expect((exit as { at: number }).at - signalledAt).toBeLessThan(GRACE_MS);
    } catch (error) {
      note(`FAILED (SIGTERM): ${diagnostics.join('; ')}\n--- service output ---\n${service.output()}\n--- postgres log ---\n${pg.log()}`);
      throw error;
    }
  });

  it('fails readiness at once and keeps serving for SHUTDOWN_DELAY_MS, then stops', async () => {
    const delayMs = 3_000;
    const service = await start('contact_book_faults_sigterm_delay', GRACE_MS, { SHUTDOWN_DELAY_MS: String(delayMs) });
    let detail = '';
    try {
      expect((await send(service.port, 'GET', '/health/ready', undefined, undefined, { timeoutMs: 5_000 })).status).toBe(200);
      const signalledAt = Date.now();
      service.child.kill('SIGTERM');
      const notReadyAfterMs = await waitFor(
        async () => (await send(service.port, 'GET', '/health/ready', undefined, undefined, { timeoutMs: 5_000 })).status === 503,
        delayMs,
        'readiness failing after SIGTERM',
      );
      // Still serving while balancers notice: a webhook on a new connection is stored.
      const id = identity(SERIES + 1, 0);
      const during = await send(service.port, 'POST', '/webhooks/link/mo', WEBHOOK_AUTH, moBody(id), { timeoutMs: 10_000 });
      const servedAfterMs = Date.now() - signalledAt;
      const exit = await exitWithin(service, GRACE_MS + 5_000);
      const stoppedAfterMs = exit ? exit.at - signalledAt : undefined;
      detail = `not ready ${notReadyAfterMs} ms after SIGTERM; webhook answered ${during.status} at ${servedAfterMs} ms; exit ${JSON.stringify(exit)} ${stoppedAfterMs ?? '-'} ms after`;
      note(`SIGTERM with a delay: ${detail}`);

      expect(during.status).toBe(200);
      expect(servedAfterMs).toBeLessThan(delayMs);
      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(stoppedAfterMs).toBeGreaterThanOrEqual(delayMs);
    } catch (error) {
      note(`FAILED (SIGTERM with a delay): ${detail}\n--- service output ---\n${service.output()}`);
      throw error;
    }
  });

  it('exits 1 once SHUTDOWN_GRACE_MS has passed with a request still in flight', async () => {
    const fake = link as FakeLink;
    fake.reset();
    const graceMs = 500;
    const service = await start('contact_book_faults_sigterm_grace', graceMs);
    let detail = '';
    try {
      // LINK answers after 8 s (under LINK_TIMEOUT_MS): far past the grace.
      fake.enqueue(queued(8_000));
      const proxied = outcome(
        send(service.port, 'POST', '/link/messages', SENDER_AUTH, messageRequest('+46701234568'), { timeoutMs: 30_000 }),
      );
      await waitFor(() => fake.requests.length === 1, 15_000, 'the proxied request to reach LINK');

      const signalledAt = Date.now();
      service.child.kill('SIGTERM');
      const exit = await exitWithin(service, graceMs + 7_000);
      const proxy = await proxied;
      const elapsed = exit ? exit.at - signalledAt : undefined;
      detail = `exit ${JSON.stringify(exit)} ${elapsed ?? '-'} ms after SIGTERM (grace ${graceMs} ms); proxy: ${proxy.answer?.status ?? proxy.error}`;
      note(`SIGTERM past the grace: ${detail}`);

      expect(exit).toMatchObject({ code: 1, signal: null });
      expect(elapsed).toBeGreaterThanOrEqual(graceMs - 50);
      expect(elapsed).toBeLessThan(graceMs + 5_000);
      // LINK had not answered: the request was abandoned, never answered 2xx.
      expect(proxy.answer?.status === undefined || proxy.answer.status >= 300).toBe(true);
    } catch (error) {
      note(`FAILED (SIGTERM past the grace): ${detail}\n--- service output ---\n${service.output()}`);
      throw error;
    }
  });
});
