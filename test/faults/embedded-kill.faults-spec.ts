// The embedded database (PGlite in DATA_DIR): the process SIGKILLed in the middle of a stream of
// webhooks, started again on the same folder (its lock must not block the restart), loses nothing
// it acknowledged.
import type { Agent } from 'node:http';
import { keepAliveAgent, parseJson, send } from './support/http';
import { ADMIN_AUTH, killService, note, removeTempDirs, Service, sleep, startService, tempDir, waitFor } from './support/service';
import { identity, WebhookStream } from './support/webhooks';

const SERIES = 3;
const ROUNDS = 3;

/** Every identity's phone resolves, through the admin API, to one contact holding its BSUID. */
async function notStored(port: number, indexes: number[]): Promise<string[]> {
  const missing: string[] = [];
  for (let start = 0; start < indexes.length; start += 10_000) {
    const ids = indexes.slice(start, start + 10_000).map((index) => identity(SERIES, index));
    const res = await send(
      port,
      'POST',
      '/v1/portfolios/default/contacts/resolve',
      ADMIN_AUTH,
      { identifiers: ids.map((id) => id.phone) },
      { timeoutMs: 30_000 },
    );
    if (res.status !== 200) throw new Error(`resolve answered ${res.status}: ${res.body.slice(0, 500)}`);
    const results = parseJson(res.body).results as { input: string; status: string; contact?: { msisdn: string; bsuid: string } }[];
    ids.forEach((id, i) => {
      const result = results[i];
      if (result?.status !== 'found' || result.contact?.msisdn !== id.phone || result.contact?.bsuid !== id.bsuid) {
        missing.push(`${id.messageId}: ${result?.status} ${result?.contact?.bsuid ?? ''}`);
      }
    });
  }
  return missing;
}

describe('the embedded database, the process SIGKILLed mid-stream', () => {
  const dataDir = tempDir('embedded');
  let service: Service | undefined;
  const agents: Agent[] = [];

  afterAll(async () => {
    await killService(service);
    for (const agent of agents) agent.destroy();
    removeTempDirs();
  });

  it(`starts again on the same DATA_DIR after each of ${ROUNDS} kills and keeps every webhook it answered 2xx`, async () => {
    const env = { DATABASE_URL: undefined, DATA_DIR: dataDir };
    const acknowledged = new Set<number>();
    let unanswered: number[] = [];
    let next = 0;
    const rounds: string[] = [];
    let stream: WebhookStream | undefined;
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        const startedAt = Date.now();
        service = await startService(env, 60_000);
        const startMs = Date.now() - startedAt;
        // What the rounds before acknowledged survived their kills.
        expect(await notStored(service.port, [...acknowledged])).toEqual([]);

        const agent = keepAliveAgent();
        agents.push(agent);
        stream = new WebhookStream({
          port: service.port,
          series: SERIES,
          concurrency: 6,
          ratePerSecond: 120,
          firstIndex: next,
          resend: unanswered,
          agent,
        });
        const current = stream;
        await waitFor(
          () => current.delivered.size >= 40,
          30_000,
          '40 webhooks answered 2xx',
          () => current.summary(),
        );
        // A random moment of the stream.
        await sleep(200 + Math.floor(Math.random() * 1_500));
        service.child.kill('SIGKILL');
        const exit = await service.exited;
        stream.abort();
        await stream.settled();
        expect(exit.signal).toBe('SIGKILL');

        expect({ failed: stream.failed.size, summary: stream.failed.size ? stream.summary() : '' }).toEqual({ failed: 0, summary: '' });
        for (const index of stream.delivered.keys()) acknowledged.add(index);
        unanswered = stream.undelivered();
        next = Math.max(next, ...stream.indexes()) + 1;
        const stats = stream.stats();
        rounds.push(
          `round ${round}: ready in ${startMs} ms, ${stats.webhooks} webhooks (${stats.requests} requests, ${stats.delivered} answered 2xx, ${stats.connectionErrors} lost to the kill, ${stats.s503} 503)`,
        );
      }

      // Started once more: everything acknowledged is there, and its redelivery is a duplicate (the receipt survived).
      const startedAt = Date.now();
      service = await startService(env, 60_000);
      rounds.push(`final start: ready in ${Date.now() - startedAt} ms`);
      const all = [...acknowledged].sort((a, b) => a - b);
      expect(await notStored(service.port, all)).toEqual([]);
      const agent = keepAliveAgent();
      agents.push(agent);
      stream = new WebhookStream({ port: service.port, series: SERIES, concurrency: 6, ratePerSecond: 0, resend: all, agent });
      await stream.finish(60_000);
      const redelivered = [...stream.delivered.values()];
      expect(redelivered.filter((status) => status !== 'duplicate')).toEqual([]);
      expect(redelivered).toHaveLength(all.length);

      // The webhooks the kills cut off: LINK resends them, and then they are stored too.
      stream = new WebhookStream({ port: service.port, series: SERIES, concurrency: 6, ratePerSecond: 0, resend: unanswered, agent });
      await stream.finish(60_000);
      expect(await notStored(service.port, unanswered)).toEqual([]);
      note(
        `embedded, SIGKILL: ${rounds.join('; ')}; ${all.length} acknowledged before the kills, all found; ${unanswered.length} cut off by the last kill, resent and stored`,
      );
    } catch (error) {
      stream?.abort();
      note(`FAILED (embedded, SIGKILL): ${rounds.join('; ')}\nstream: ${stream?.summary()}\n--- service output ---\n${service?.output()}`);
      throw error;
    }
  });
});
