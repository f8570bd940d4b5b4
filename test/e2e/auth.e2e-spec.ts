import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { noAccess, notFound, unauthorized } from '../support/expected-errors';
import { createTestApp, fixture, KEYS, TestApp } from '../support/test-app';

const PHONE = '+46701234567';
const basic = (name: string, secret: string) => `Basic ${Buffer.from(`${name}:${secret}`).toString('base64')}`;

describe('credentials and portfolio scope', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  beforeEach(async () => {
    await t.resetDatabase();
    await t.putPortfolio('acme', { businessNumbers: ['+46000000000'], platformId: 'TEST_XA', platformPartnerId: '1' });
    await t.putPortfolio('globex', { businessNumbers: ['+47000000000'], platformId: 'TEST_GX', platformPartnerId: '2' });
  });
  afterAll(() => t.close());

  const mo = (destination: string, messageId: string) => ({ ...fixture('mo-01-text-msisdn'), destination, source: PHONE, messageId });
  const count = async (table: string) => (await t.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

  describe('authentication', () => {
    it('answers 401 without an Authorization header', async () => {
      const res = await request(t.http).get('/v1/portfolios');
      expect(res.status).toBe(401);
      expect(res.body).toEqual(unauthorized);
    });

    it.each([
      ['a wrong Bearer secret', 'Bearer not-a-known-secret-0123456789'],
      ['an empty Bearer', 'Bearer'],
      ['an unknown scheme', `Token ${KEYS.admin}`],
      ['Basic without a colon', `Basic ${Buffer.from(KEYS.admin).toString('base64')}`],
      ['Basic with a wrong secret', basic('admin', 'not-a-known-secret-0123456789')],
    ])('answers 401 for %s', async (_, header) => {
      const res = await request(t.http).get('/v1/portfolios').set('Authorization', header);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(unauthorized);
    });

    it('accepts the secret as Bearer', async () => {
      const res = await request(t.http).get('/v1/portfolios').set('Authorization', `Bearer ${KEYS.admin}`);
      expect(res.status).toBe(200);
      expect(res.body.portfolios.map((p: { key: string }) => p.key)).toEqual(['acme', 'default', 'globex']);
    });

    it('accepts Basic with the key name and secret, as LINK clients send', async () => {
      const res = await request(t.http).get('/v1/portfolios').set('Authorization', basic('admin', KEYS.admin));
      expect(res.status).toBe(200);
      expect(res.body.portfolios.map((p: { key: string }) => p.key)).toEqual(['acme', 'default', 'globex']);

      const webhook = await request(t.http).post('/webhooks/link/mo').auth('link', KEYS.webhook).send(mo('+46000000000', 'basic-1'));
      expect(webhook.status).toBe(200);
      expect(webhook.body).toEqual({ status: 'applied', portfolio: 'acme', contactIds: [expect.any(String)] });
    });

    it.each([
      ['a name that belongs to no key', 'nobody'],
      ['the name of another key', 'crm'],
    ])('refuses Basic with the right secret under %s', async (_, name) => {
      const res = await request(t.http).get('/v1/portfolios').set('Authorization', basic(name, KEYS.admin));
      expect(res.status).toBe(401);
      expect(res.body).toEqual(unauthorized);
    });
  });

  describe('roles', () => {
    it.each([
      ['GET', '/v1/portfolios', KEYS.crm],
      ['PUT', '/v1/portfolios/acme', KEYS.crm],
      ['GET', `/v1/portfolios/acme/contacts/${encodeURIComponent(PHONE)}/history`, KEYS.crm],
      ['POST', '/webhooks/link/mo', KEYS.crm],
      ['POST', '/webhooks/link/dlr', KEYS.crm],
      ['GET', `/v1/portfolios/acme/contacts/${encodeURIComponent(PHONE)}`, KEYS.webhook],
      ['GET', '/v1/portfolios', KEYS.webhook],
    ])('answers 403 to %s %s with a key lacking the role (key %#)', async (method, path, secret) => {
      await t.postMo(mo('+46000000000', 'roles-1')).expect(200);
      const body = method === 'POST' ? (path.endsWith('mo') ? mo('+46000000000', 'roles-2') : fixture('dlr-02-sent-msisdn-bsuid')) : {};
      const req =
        method === 'GET'
          ? request(t.http).get(path)
          : method === 'PUT'
            ? request(t.http).put(path).send(body)
            : request(t.http).post(path).send(body);
      const res = await req.auth(secret, { type: 'bearer' });
      expect(res.status).toBe(403);
      expect(res.body).toEqual(noAccess);
      expect(await t.contactsOf('acme')).toHaveLength(1);
      expect(await count('webhook_receipt')).toBe(1);
      expect(await t.dataSource.query(`SELECT platform_id FROM portfolio WHERE key = 'acme'`)).toEqual([{ platform_id: 'TEST_XA' }]);
    });

    it('lets the read role look a contact up', async () => {
      const created = await t.postMo(mo('+46000000000', 'read-1')).expect(200);
      const res = await request(t.http).get(`/v1/portfolios/acme/contacts/${PHONE}`).auth(KEYS.crm, { type: 'bearer' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: created.body.contactIds[0], portfolio: 'acme', msisdn: PHONE });
    });
  });

  describe('portfolio isolation', () => {
    it('keeps a key out of a portfolio it does not reach, and shows nothing of it', async () => {
      await t.postMo(mo('+47000000000', 'iso-1')).expect(200);
      expect(await t.contactsOf('globex')).toHaveLength(1);

      for (const path of [`/v1/portfolios/globex/contacts/${PHONE}`, '/v1/portfolios/globex/contacts/+46709999999']) {
        const res = await request(t.http).get(path).auth(KEYS.crm, { type: 'bearer' });
        expect(res.status).toBe(403);
        expect(res.body).toEqual(noAccess);
        expect(JSON.stringify(res.body)).not.toContain(PHONE);
      }
      // A portfolio that does not exist answers the same: the key cannot tell which exist.
      const missing = await request(t.http).get(`/v1/portfolios/nosuch/contacts/${PHONE}`).auth(KEYS.crm, { type: 'bearer' });
      expect(missing.status).toBe(403);
      expect(missing.body).toEqual(noAccess);
      // The same number in the key's own portfolio is a different, unknown contact.
      const own = await request(t.http).get(`/v1/portfolios/acme/contacts/${PHONE}`).auth(KEYS.crm, { type: 'bearer' });
      expect(own.status).toBe(404);
      expect(own.body).toEqual(notFound);
    });

    it('keeps a portfolio admin out of other portfolios', async () => {
      await t.postMo(mo('+46000000000', 'iso-2')).expect(200);
      const paths = [`/v1/portfolios/acme/contacts/${PHONE}`, `/v1/portfolios/acme/contacts/${PHONE}/history`];
      for (const path of paths) {
        const res = await request(t.http).get(path).auth(KEYS.globexAdmin, { type: 'bearer' });
        expect(res.status).toBe(403);
        expect(res.body).toEqual(noAccess);
      }
      const list = await request(t.http).get('/v1/portfolios').auth(KEYS.globexAdmin, { type: 'bearer' });
      expect(list.status).toBe(200);
      expect(list.body.portfolios.map((p: { key: string }) => p.key)).toEqual(['globex']);
    });

    it('refuses a webhook key an event of a portfolio it does not reach, and writes nothing', async () => {
      const foreign = await request(t.http).post('/webhooks/link/mo').auth('acme-link', KEYS.acmeWebhook).send(mo('+47000000000', 'iso-3'));
      expect(foreign.status).toBe(403);
      expect(foreign.body).toEqual(noAccess);
      // A number no portfolio claims belongs to `default`, which this key does not reach either.
      const unclaimed = await request(t.http)
        .post('/webhooks/link/mo')
        .auth('acme-link', KEYS.acmeWebhook)
        .send(mo('+48000000000', 'iso-4'));
      expect(unclaimed.status).toBe(403);
      expect(unclaimed.body).toEqual(noAccess);
      const dlr: Record<string, any> = { ...fixture('dlr-02-sent-msisdn-bsuid'), messageId: 'iso-5' };
      dlr.customParameters.platformId = 'TEST_GX';
      dlr.customParameters.platformPartnerId = '2';
      const foreignDlr = await request(t.http).post('/webhooks/link/dlr').auth('acme-link', KEYS.acmeWebhook).send(dlr);
      expect(foreignDlr.status).toBe(403);
      expect(foreignDlr.body).toEqual(noAccess);

      expect(await count('contact')).toBe(0);
      expect(await count('webhook_receipt')).toBe(0);
      expect(await count('link_history')).toBe(0);
      expect(await count('contact_exchange')).toBe(0);
    });

    it('accepts a webhook key the events of its own portfolio', async () => {
      const res = await request(t.http).post('/webhooks/link/mo').auth('acme-link', KEYS.acmeWebhook).send(mo('+46000000000', 'iso-6'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'applied', portfolio: 'acme', contactIds: [expect.any(String)] });
      expect(await t.contactsOf('acme')).toEqual([{ id: res.body.contactIds[0], msisdn: PHONE, bsuid: null, parentBsuid: null }]);
    });
  });

  describe('public routes', () => {
    it('answers liveness without a key', async () => {
      const res = await request(t.http).get('/health/live');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('answers readiness without a key', async () => {
      const res = await request(t.http).get('/health/ready');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        status: 'ok',
        info: { shutdown: { status: 'up' }, database: { status: 'up' }, migrations: { status: 'up' } },
        error: {},
        details: { shutdown: { status: 'up' }, database: { status: 'up' }, migrations: { status: 'up' } },
      });
    });

    it('serves the API reference to any key, and asks a browser without one for Basic credentials', async () => {
      for (const path of ['/docs', '/docs/', '/docs/swagger-ui-init.js', '/docs-json', '/docs-json?x=1']) {
        const refused = await request(t.http).get(path);
        expect([path, refused.status, refused.headers['www-authenticate'], refused.body]).toEqual([
          path,
          401,
          expect.stringMatching(/^Basic realm=/),
          unauthorized,
        ]);
      }
      expect((await request(t.http).get('/docs').auth('crm', KEYS.crm)).status).toBe(200);
      expect((await request(t.http).get('/docs-json').auth('crm', 'not-the-secret-at-all')).status).toBe(401);
      const res = await request(t.http).get('/docs-json').auth(KEYS.crm, { type: 'bearer' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(
        expect.objectContaining({
          openapi: expect.stringMatching(/^3\./),
          info: expect.objectContaining({ title: 'Contact Book' }),
          paths: expect.objectContaining({
            '/webhooks/link/mo': expect.objectContaining({ post: expect.any(Object) }),
            '/v1/portfolios/{portfolio}/contacts/{identifier}': expect.objectContaining({ get: expect.any(Object) }),
          }),
        }),
      );
    });
  });
});

describe('with no API_KEYS configured', () => {
  let dataDir: string;
  let t: TestApp | undefined;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'contact-book-auth-'))));
  afterEach(async () => {
    await t?.close();
    t = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates an admin key in the data folder, keeps it across restarts, and never runs open', async () => {
    t = await createTestApp({ apiKeys: [], dataDir });
    const file = join(dataDir, 'admin-key.json');
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    expect(stored).toEqual({ name: 'admin', secret: expect.any(String), roles: ['admin'], portfolios: ['*'] });
    expect(stored.secret.length).toBeGreaterThanOrEqual(16);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const open = await request(t.http).get('/v1/portfolios');
    expect(open.status).toBe(401);
    expect(open.body).toEqual(unauthorized);
    const configured = await request(t.http).get('/v1/portfolios').auth(KEYS.admin, { type: 'bearer' });
    expect(configured.status).toBe(401);
    const generated = await request(t.http).get('/v1/portfolios').auth(stored.secret, { type: 'bearer' });
    expect(generated.status).toBe(200);
    expect(generated.body.portfolios).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'default' })]));

    await t.close();
    t = await createTestApp({ apiKeys: [], dataDir });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(stored);
    const again = await request(t.http).get('/v1/portfolios').auth(stored.secret, { type: 'bearer' });
    expect(again.status).toBe(200);
  });
});
