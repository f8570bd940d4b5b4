// Rate limits per key, the webhook source allow-list behind a trusted proxy, and CORS when configured.
import request from 'supertest';
import { linkError, noAccess } from '../support/expected-errors';
import { mo } from '../support/link-builders';
import { resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

const API_LIMIT = 5;
const WEBHOOK_LIMIT = 8;
const LINK_ADDRESS = '198.51.100.7';

describe('limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      rateLimit: { windowMs: 60_000, api: API_LIMIT, webhooks: WEBHOOK_LIMIT },
      webhookAllowedRanges: [{ address: '198.51.100.0', prefix: 24, family: 'ipv4' }],
      // The test client stands in for a load balancer on loopback that forwards the caller's address.
      trustProxy: ['127.0.0.1/32', '::1/128'],
      corsOrigins: ['https://crm.example.com'],
    });
    await resetWithAcmeAndGlobex(t);
  });
  afterAll(() => t.close());

  const webhook = (n: number, from = LINK_ADDRESS) =>
    t.postMo(mo(`+4670000${String(n).padStart(4, '0')}`, null, `limits-${n}`, '2026-06-01T10:00:00Z')).set('x-forwarded-for', from);

  it('answers 429 with Retry-After once a key has used its API budget, and counts other keys apart', async () => {
    const get = (secret: string) => request(t.http).get('/v1/portfolios/acme/contacts').auth(secret, { type: 'bearer' });
    for (let i = 0; i < API_LIMIT; i++) expect((await get(KEYS.crm)).status).toBe(200);
    const refused = await get(KEYS.crm);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual(linkError(112929));
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    // The budget is the key's, whatever the route.
    expect(
      (await request(t.http).post('/v1/portfolios/acme/contacts/resolve').auth(KEYS.crm, { type: 'bearer' }).send({ identifiers: [] }))
        .status,
    ).toBe(429);
    // Another key has its own.
    expect((await get(KEYS.admin)).status).toBe(200);
    // Health is never limited.
    for (let i = 0; i < API_LIMIT + 2; i++) expect((await request(t.http).get('/health/live')).status).toBe(200);
  });

  it('gives webhooks their own, higher budget', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < WEBHOOK_LIMIT + 1; i++) statuses.push((await webhook(i)).status);
    expect(statuses).toEqual([...Array(WEBHOOK_LIMIT).fill(200), 429]);
  });

  it('counts refusals in the metrics', async () => {
    const res = await request(t.http).get('/metrics').auth(KEYS.metrics, { type: 'bearer' });
    expect(res.text).toMatch(/contact_book_rate_limited_total\{limit="api"\} [1-9]/);
    expect(res.text).toMatch(/contact_book_rate_limited_total\{limit="webhooks"\} [1-9]/);
  });

  it('refuses webhooks from addresses outside the allow-list, good key or not, before counting them', async () => {
    const res = await webhook(100, '203.0.113.9');
    expect(res.status).toBe(403);
    expect(res.body).toEqual(noAccess);
    expect(res.body.description).toContain('address');
    // The address alone decides: no key at all is the same 403.
    const keyless = await request(t.http).post('/webhooks/link/mo').set('x-forwarded-for', '203.0.113.9').send({});
    expect([keyless.status, keyless.body.description]).toEqual([403, expect.stringContaining('address')]);
  });

  it('allows the configured origins, and only those', async () => {
    const preflight = (origin: string) =>
      request(t.http)
        .options('/v1/portfolios')
        .set('origin', origin)
        .set('access-control-request-method', 'GET')
        .set('access-control-request-headers', 'authorization');
    const allowed = await preflight('https://crm.example.com');
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://crm.example.com');
    expect(allowed.headers['access-control-allow-headers']).toContain('authorization');
    const other = await preflight('https://evil.example.com');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
