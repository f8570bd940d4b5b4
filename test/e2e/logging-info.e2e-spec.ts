// At `info`, the webhook path logs a line of counts per batch; a webhook refused is still a line of its own.
// (An app of its own: nestjs-pino's root logger is one per process.)
import { PassThrough } from 'node:stream';
import request from 'supertest';
import { mo } from '../support/link-builders';
import { resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, TestApp } from '../support/test-app';

describe('logs at info', () => {
  let t: TestApp;
  let lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const destination = new PassThrough();
    destination.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
    });
    t = await createTestApp({ logLevel: 'info' }, { logDestination: destination });
    await resetWithAcmeAndGlobex(t);
    lines = [];
  });
  afterAll(() => t.close());

  it('logs a batch of webhooks as lines of counts, not a line per request or per event', async () => {
    const sends = Array.from({ length: 20 }, (_, i) =>
      t.postMo(mo(`+4670666${String(i).padStart(4, '0')}`, null, `log-info-${i}`, '2026-06-01T10:00:00Z')),
    );
    expect((await Promise.all(sends)).map((res) => res.status)).toEqual(Array(20).fill(200));
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.filter((line) => line.msg === 'request')).toEqual([]);
    expect(lines.filter((line) => typeof line.event === 'string')).toEqual([]);
    const batches = lines.filter((line) => line.msg === 'graph batch');
    expect(batches.length).toBeGreaterThan(0);
    const created = batches.reduce((sum, line) => sum + ((line.events as Record<string, number>).created ?? 0), 0);
    expect(created).toBe(20);
  });

  it('still logs a refused webhook at info', async () => {
    const before = lines.length;
    await request(t.http).post('/webhooks/link/mo').set('content-type', 'application/json').send('{}').expect(401);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.slice(before)).toEqual([
      expect.objectContaining({ msg: 'request', level: 'info', route: '/webhooks/link/mo', status: 401 }),
    ]);
  });
});
