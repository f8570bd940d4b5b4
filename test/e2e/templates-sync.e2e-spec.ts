import request from 'supertest';
import { conflict, linkError } from '../support/expected-errors';
import { FakeLink, startFakeLink } from '../support/fake-link';
import { ACME, ACME_NUMBER, resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

const TIMEOUT_MS = 1_000;

const auth = (name: string, otpType: string, language = 'en_US') => ({
  name,
  language,
  category: 'AUTHENTICATION',
  status: 'APPROVED',
  components: [
    { type: 'BODY', add_security_recommendation: true },
    { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: otpType }] },
  ],
});
const utility = (name: string, status = 'APPROVED', language = 'en') => ({
  name,
  language,
  category: 'UTILITY',
  status,
  components: [{ type: 'BODY', text: 'Hi' }],
});

describe('POST /v1/portfolios/:portfolio/templates/sync', () => {
  let t: TestApp;
  let link: FakeLink;
  beforeAll(async () => {
    link = await startFakeLink();
    t = await createTestApp({ linkBaseUrl: link.baseUrl, linkUsername: 'u', linkPassword: 'p', linkTimeoutMs: TIMEOUT_MS });
  });
  beforeEach(async () => {
    link.reset();
    await resetWithAcmeAndGlobex(t);
  });
  afterAll(async () => {
    await t.close();
    await link.close();
  });

  const sync = (portfolio = 'acme', secret: string = KEYS.admin) =>
    request(t.http).post(`/v1/portfolios/${portfolio}/templates/sync`).auth(secret, { type: 'bearer' });
  const putTemplate = (name: string, body: object) =>
    request(t.http).put(`/v1/portfolios/acme/templates/${name}`).auth(KEYS.admin, { type: 'bearer' }).send(body);
  const rows = () =>
    t.dataSource.query(
      `SELECT name, language, category, otp_type, status, source FROM template WHERE portfolio = 'acme' ORDER BY name, language`,
    );
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it("reads LINK's `data` list for the business number, with the service's credentials, and adds every template", async () => {
    link.enqueue({
      body: { data: [auth('login_code', 'COPY_CODE'), utility('order_update')], paging: { cursors: { before: 'a', after: 'b' } } },
    });
    const res = await sync();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      added: [
        { name: 'login_code', language: 'en_US' },
        { name: 'order_update', language: 'en' },
      ],
      updated: [],
      unchanged: 0,
      removed: [],
      skipped: [],
      sources: [ACME_NUMBER],
    });
    expect(link.requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: `/platformId/TEST_XA/platformPartnerId/1/source/${ACME_NUMBER}/templates`,
        body: undefined,
      }),
    ]);
    expect(link.requests[0].headers.authorization).toBe(basic('u', 'p'));
    expect(await rows()).toEqual([
      { name: 'login_code', language: 'en_US', category: 'AUTHENTICATION', otp_type: 'COPY_CODE', status: 'APPROVED', source: 'sync' },
      { name: 'order_update', language: 'en', category: 'UTILITY', otp_type: null, status: 'APPROVED', source: 'sync' },
    ]);
    const view = await request(t.http).get('/v1/portfolios/acme/templates/login_code').auth(KEYS.admin, { type: 'bearer' });
    expect(view.body).toEqual({
      portfolio: 'acme',
      name: 'login_code',
      language: 'en_US',
      category: 'AUTHENTICATION',
      otpType: 'COPY_CODE',
      status: 'APPROVED',
      source: 'sync',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
  });

  it("reads a bare array too, uses the portfolio's own credentials, and reports added, updated, unchanged, removed and skipped", async () => {
    await t.putPortfolio('acme', {
      ...ACME,
      businessNumbers: [ACME_NUMBER, '+46000000009'],
      upstream: { username: 'acme-user', password: 'acme-pass' },
    });
    link.enqueue({ body: [auth('login_code', 'ONE_TAP'), utility('order_update'), utility('old_offer')] }, { body: [] });
    expect((await sync()).status).toBe(200);
    expect((await putTemplate('mine', { language: 'sv', category: 'MARKETING' })).status).toBe(201);
    expect((await putTemplate('order_update', { language: 'en', category: 'UTILITY' })).status).toBe(200);
    link.reset();

    link.enqueue(
      {
        body: [
          auth('login_code', 'ZERO_TAP'),
          utility('order_update'),
          utility('fresh', 'PENDING'),
          { name: 'legacy', language: 'en', category: 'ALERT_UPDATE' },
        ],
      },
      { body: { data: [utility('fresh', 'APPROVED'), utility('other_number_only')] } },
    );
    const res = await sync();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      added: [
        { name: 'fresh', language: 'en' },
        { name: 'other_number_only', language: 'en' },
      ],
      updated: [
        { name: 'login_code', language: 'en_US' },
        { name: 'order_update', language: 'en' },
      ],
      unchanged: 0,
      removed: [{ name: 'old_offer', language: 'en' }],
      skipped: [{ name: 'legacy', language: 'en', reason: expect.stringContaining('ALERT_UPDATE') }],
      sources: [ACME_NUMBER, '+46000000009'],
    });
    expect(link.requests.map((r) => [r.path, r.headers.authorization])).toEqual([
      [`/platformId/TEST_XA/platformPartnerId/1/source/${ACME_NUMBER}/templates`, basic('acme-user', 'acme-pass')],
      ['/platformId/TEST_XA/platformPartnerId/1/source/+46000000009/templates', basic('acme-user', 'acme-pass')],
    ]);
    expect(await rows()).toEqual([
      { name: 'fresh', language: 'en', category: 'UTILITY', otp_type: null, status: 'PENDING', source: 'sync' },
      { name: 'login_code', language: 'en_US', category: 'AUTHENTICATION', otp_type: 'ZERO_TAP', status: 'APPROVED', source: 'sync' },
      { name: 'mine', language: 'sv', category: 'MARKETING', otp_type: null, status: null, source: 'admin' },
      { name: 'order_update', language: 'en', category: 'UTILITY', otp_type: null, status: 'APPROVED', source: 'sync' },
      { name: 'other_number_only', language: 'en', category: 'UTILITY', otp_type: null, status: 'APPROVED', source: 'sync' },
    ]);
  });

  it('counts templates that did not change, and touches nothing then', async () => {
    link.enqueue({ body: [utility('order_update')] }, { body: [utility('order_update')] });
    await sync();
    const before = await t.dataSource.query(`SELECT updated_at FROM template`);
    const res = await sync();
    expect(res.body).toEqual({ added: [], updated: [], unchanged: 1, removed: [], skipped: [], sources: [ACME_NUMBER] });
    expect(await t.dataSource.query(`SELECT updated_at FROM template`)).toEqual(before);
  });

  it("answers 502 naming LINK's status and resultCode when LINK answers an error, and changes nothing", async () => {
    link.enqueue({ body: [utility('order_update')] });
    await sync();
    link.enqueue({ status: 401, body: { resultCode: 112400, description: 'Unauthorized', translatedDescription: null } });
    const res = await sync();
    expect(res.status).toBe(502);
    expect(res.body).toEqual(linkError(112501));
    expect(res.body.description).toMatch(/401.*112400/);
    expect(res.body.description).not.toMatch(/Basic|dTpw/);
    expect(await rows()).toEqual([expect.objectContaining({ name: 'order_update' })]);
  });

  it.each([
    ['a body that is not JSON', { body: '<html>oops</html>' }, /not JSON/],
    ['a body that is no template list', { body: { templates: 'none' } }, /not a template list/],
  ])('answers 502 when LINK answers %s', async (_, answer, message) => {
    link.enqueue(answer);
    const res = await sync();
    expect(res.status).toBe(502);
    expect(res.body).toEqual(linkError(112501));
    expect(res.body.description).toMatch(message);
  });

  it('answers 504 when LINK is slower than LINK_TIMEOUT_MS, and changes nothing', async () => {
    link.enqueue({ delayMs: TIMEOUT_MS * 3, body: [utility('late')] });
    const started = Date.now();
    const res = await sync();
    expect(res.status).toBe(504);
    expect(res.body).toEqual(linkError(112503));
    expect(res.body.description).toContain(`within ${TIMEOUT_MS} ms`);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS * 3);
    expect(await rows()).toEqual([]);
  });

  it('answers 504 with the reason when LINK drops the connection', async () => {
    link.enqueue({ drop: true });
    const res = await sync();
    expect(res.status).toBe(504);
    expect(res.body).toEqual(linkError(112503));
    expect(res.body.description).toMatch(/could not be reached .*\((UND_ERR_SOCKET|ECONNRESET|other side closed)/);
    expect(await rows()).toEqual([]);
  });

  it('answers 409 for a portfolio without business numbers or without a LINK platform, asking LINK nothing', async () => {
    await t.putPortfolio('acme', { ...ACME, businessNumbers: [] });
    const noNumbers = await sync();
    expect(noNumbers.status).toBe(409);
    expect(noNumbers.body).toEqual(conflict);
    expect(noNumbers.body.description).toContain('no business numbers');
    await t.putPortfolio('acme', { businessNumbers: [ACME_NUMBER] });
    const noPlatform = await sync();
    expect(noPlatform.status).toBe(409);
    expect(noPlatform.body.description).toContain('platformId');
    expect(link.requests).toEqual([]);
  });

  it("syncs one portfolio only, and lets a portfolio's admin sync its own", async () => {
    await t.putPortfolio('globex', { businessNumbers: ['+47000000000'], platformId: 'TEST_GX', platformPartnerId: '7' });
    link.enqueue({ body: [utility('globex_only')] });
    const res = await sync('globex', KEYS.globexAdmin);
    expect(res.status).toBe(200);
    expect(link.requests[0].path).toBe('/platformId/TEST_GX/platformPartnerId/7/source/+47000000000/templates');
    expect(await rows()).toEqual([]);
    expect(await t.dataSource.query(`SELECT portfolio, name FROM template`)).toEqual([{ portfolio: 'globex', name: 'globex_only' }]);
  });
});
