// What an operator relies on: /metrics, security headers, request ids, CORS off by default.
import request from 'supertest';
import { noAccess, unauthorized } from '../support/expected-errors';
import { mo, sendMo } from '../support/link-builders';
import { ACME_NUMBER, resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

/** The value of one sample of the Prometheus text, or 0 when it is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.slice(name.length).match(/^\{(.*)\}/)?.[1] ?? '';
    if (wanted.every((pair) => labelText.split(',').includes(pair))) return Number(line.split(' ').pop());
  }
  return 0;
}

describe('operations', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  beforeEach(() => resetWithAcmeAndGlobex(t));
  afterAll(() => t.close());

  const scrape = async (): Promise<string> => {
    const res = await request(t.http).get('/metrics').auth(KEYS.metrics, { type: 'bearer' });
    expect(res.status).toBe(200);
    return res.text;
  };

  describe('GET /metrics', () => {
    it('needs the metrics (or admin) role', async () => {
      expect((await request(t.http).get('/metrics')).body).toEqual(unauthorized);
      expect((await request(t.http).get('/metrics').auth(KEYS.crm, { type: 'bearer' })).body).toEqual(noAccess);
      expect((await request(t.http).get('/metrics').auth(KEYS.admin, { type: 'bearer' })).status).toBe(200);
    });

    it('is Prometheus text, and the metrics key reads nothing else', async () => {
      const res = await request(t.http).get('/metrics').auth(KEYS.metrics, { type: 'bearer' });
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(res.text).toContain('# TYPE http_request_duration_seconds histogram');
      expect(res.text).toContain('# TYPE process_cpu_seconds_total counter');
      const contacts = await request(t.http).get('/v1/portfolios/acme/contacts').auth(KEYS.metrics, { type: 'bearer' });
      expect(contacts.status).toBe(403);
    });

    it('counts webhooks by kind and outcome, and the graph events they caused', async () => {
      const before = await scrape();
      const first = mo('+46701234567', { whatsappUserId: 'SE.13491208655302741918' }, 'metrics-1', '2026-06-01T10:00:00Z');
      await sendMo(t, first);
      expect((await t.postMo(first)).body.status).toBe('duplicate');
      expect((await t.postMo({ ...first, messageId: 'metrics-2', source: 'null' })).status).toBe(400);
      const after = await scrape();
      const delta = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);

      expect(delta('contact_book_webhooks_total', { kind: 'mo', outcome: 'applied' })).toBe(1);
      expect(delta('contact_book_webhooks_total', { kind: 'mo', outcome: 'duplicate' })).toBe(1);
      expect(delta('contact_book_webhooks_total', { kind: 'mo', outcome: 'rejected' })).toBe(1);
      expect(delta('contact_book_graph_events_total', { event: 'created' })).toBe(1);
      expect(delta('contact_book_graph_events_total', { event: 'linked' })).toBeGreaterThanOrEqual(2);
      expect(delta('http_request_duration_seconds_count', { method: 'POST', route: '/webhooks/link/mo', status: '200' })).toBe(2);
      expect(delta('http_request_duration_seconds_count', { method: 'POST', route: '/webhooks/link/mo', status: '400' })).toBe(1);
    });

    it('counts merges and erasures', async () => {
      await sendMo(t, mo('+46701234567', null, 'merge-1', '2026-06-01T10:00:00Z'));
      await sendMo(t, mo('SE.13491208655302741918', { whatsappUserId: 'SE.13491208655302741918' }, 'merge-2', '2026-06-01T10:01:00Z'));
      const before = await scrape();
      await sendMo(t, mo('+46701234567', { whatsappUserId: 'SE.13491208655302741918' }, 'merge-3', '2026-06-01T10:02:00Z'));
      await request(t.http)
        .delete(`/v1/portfolios/acme/contacts/${encodeURIComponent('+46701234567')}`)
        .auth(KEYS.admin, { type: 'bearer' })
        .expect(200);
      const after = await scrape();
      expect(
        sample(after, 'contact_book_graph_events_total', { event: 'merged' }) -
          sample(before, 'contact_book_graph_events_total', { event: 'merged' }),
      ).toBe(1);
      // The survivor and the contact merged into it.
      expect(
        sample(after, 'contact_book_graph_events_total', { event: 'erased' }) -
          sample(before, 'contact_book_graph_events_total', { event: 'erased' }),
      ).toBe(2);
    });

    it('counts dedupe actions by code', async () => {
      await sendMo(t, mo('+46701234567', null, 'dedupe-1', '2026-06-01T10:00:00Z'));
      const before = await scrape();
      const body = {
        platformId: 'TEST_XA',
        platformPartnerId: '1',
        refId: 'metrics',
        priority: 'NORMAL',
        source: ACME_NUMBER,
        destinations: ['+46701234567', '0701234567', 'null'],
        messages: [{ type: 'text', text: { body: 'Hello' } }],
      };
      const res = await request(t.http).post('/v1/messages/dedupe').auth(KEYS.sender, { type: 'bearer' }).send(body);
      expect([res.status, res.body]).toEqual([200, expect.objectContaining({ destinations: expect.any(Array) })]);
      const after = await scrape();
      const delta = (labels: Record<string, string>) =>
        sample(after, 'contact_book_dedupe_destinations_total', labels) - sample(before, 'contact_book_dedupe_destinations_total', labels);
      expect(delta({ action: 'send' })).toBe(1);
      expect(delta({ action: 'duplicate', code: 'DUPLICATE' })).toBe(1);
      expect(delta({ action: 'rejected', code: 'INVALID_DESTINATION' })).toBe(1);
    });

    it('reports the database pool', async () => {
      const text = await scrape();
      expect(sample(text, 'contact_book_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
      expect(text).toContain('contact_book_db_pool_connections{state="waiting"}');
    });
  });

  describe('headers', () => {
    it('sends security headers and a request id on API answers and errors', async () => {
      for (const res of [
        await request(t.http).get('/v1/portfolios').auth(KEYS.admin, { type: 'bearer' }),
        await request(t.http).get('/v1/portfolios'),
        // Answered by Fastify before any hook: a path it cannot decode.
        await request(t.http).get('/v1/portfolios/%E0%A4%A'),
      ]) {
        expect(res.headers).toMatchObject({
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'SAMEORIGIN',
          'strict-transport-security': expect.stringContaining('max-age='),
          'content-security-policy': expect.stringContaining("default-src 'self'"),
          'x-request-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
        });
      }
    });

    it('gives each request its own id, whatever the client sends', async () => {
      const one = await request(t.http).get('/health/live').set('x-request-id', 'chosen-by-client');
      const two = await request(t.http).get('/health/live');
      expect(one.headers['x-request-id']).not.toBe('chosen-by-client');
      expect(one.headers['x-request-id']).not.toBe(two.headers['x-request-id']);
    });

    it('lets Swagger UI load: its scripts are files of its own origin', async () => {
      const page = await request(t.http).get('/docs').auth(KEYS.admin, { type: 'bearer' });
      expect(page.status).toBe(200);
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      // Served over plain HTTP too: the browser must not be told to fetch its scripts over https.
      expect(page.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      // No inline script, which the policy would block.
      expect(page.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>\s*\S/);
      const init = await request(t.http).get('/docs/swagger-ui-init.js').auth(KEYS.admin, { type: 'bearer' });
      expect(init.status).toBe(200);
    });

    it('serves no API reference with API_DOCS=false', async () => {
      const closed = await createTestApp({ apiDocs: false });
      try {
        expect((await request(closed.http).get('/docs').auth(KEYS.admin, { type: 'bearer' })).status).toBe(404);
        expect((await request(closed.http).get('/docs-json').auth(KEYS.admin, { type: 'bearer' })).status).toBe(404);
      } finally {
        await closed.close();
      }
    });

    it('answers no CORS headers unless origins are configured', async () => {
      const res = await request(t.http).get('/health/live').set('origin', 'https://crm.example.com');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      const preflight = await request(t.http)
        .options('/v1/portfolios')
        .set('origin', 'https://crm.example.com')
        .set('access-control-request-method', 'GET');
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});
