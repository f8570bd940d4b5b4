// Templates fail closed: the send pipeline's template rule over HTTP, against a real fake LINK server.
import request from 'supertest';
import { mo, sendMo } from '../support/link-builders';
import { ACME, ACME_NUMBER, resetWithAcmeAndGlobex } from '../support/portfolios';
import { FakeLink, startFakeLink } from '../support/fake-link';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

const M = '+46701234567';
const B = 'SE.13491208655302741918';
const B_ONLY = 'SE.22222222222222222222';
const M2 = '+46709999999';
const TIMEOUT_MS = 1_000;
const LIST_PATH = `/platformId/TEST_XA/platformPartnerId/1/source/${ACME_NUMBER}/templates`;

const messageRequest = (destinations: unknown[], name: string, language = 'en') => ({
  platformId: 'TEST_XA',
  platformPartnerId: '1',
  priority: 'NORMAL',
  refId: 'otp-4711',
  source: ACME_NUMBER,
  destinations,
  messages: [{ type: 'template', template: { name, language: { code: language } }, components: [{ type: 'body', parameters: [] }] }],
});
/** Meta's template list as LINK's List Templates passes it on, lower-case as LINK's document writes it. */
const listed = (...templates: { name: string; category: string; language?: string }[]) => ({
  body: {
    data: templates.map(({ name, category, language = 'en' }) => ({
      name,
      language,
      category,
      status: 'approved',
      components:
        category.toUpperCase() === 'AUTHENTICATION'
          ? [{ type: 'buttons', buttons: [{ type: 'otp', otp_type: 'copy_code' }] }]
          : [{ type: 'body', text: 'Hi' }],
    })),
  },
});
const ACME_WITH_CREDENTIALS = { ...ACME, upstream: { username: 'link-user', password: 'link-pass' } };
const queued = (ids: string[]) => ({ body: { resultCode: 112001, description: 'queued', messageIds: ids } });

describe('templates fail closed', () => {
  let t: TestApp;
  let link: FakeLink;
  beforeAll(async () => {
    link = await startFakeLink();
    // No service-wide LINK credentials: acme carries its own, and a test takes them away.
    t = await createTestApp({ linkBaseUrl: link.baseUrl, linkUsername: undefined, linkPassword: undefined, linkTimeoutMs: TIMEOUT_MS });
  });
  beforeEach(async () => {
    link.reset();
    await resetWithAcmeAndGlobex(t);
    await t.putPortfolio('acme', ACME_WITH_CREDENTIALS);
    await sendMo(t, mo(M, { whatsappUserId: B }, 'm-1', '2026-06-01T10:00:00Z'));
    await sendMo(t, mo(B_ONLY, { whatsappUserId: B_ONLY }, 'm-2', '2026-06-01T10:00:00Z'));
    await putTemplate('otp_one', { language: 'en', category: 'authentication', otpType: 'one_tap' }).expect(201);
  });
  afterAll(async () => {
    await t.close();
    await link.close();
  });

  const putTemplate = (name: string, body: object) =>
    request(t.http).put(`/v1/portfolios/acme/templates/${name}`).auth(KEYS.admin, { type: 'bearer' }).send(body);
  const dedupe = (body: unknown, query = '') =>
    request(t.http)
      .post(`/v1/messages/dedupe${query}`)
      .auth(KEYS.sender, { type: 'bearer' })
      .send(body as object);
  const proxy = (body: unknown) =>
    request(t.http)
      .post('/link/messages')
      .auth('acme-sender', KEYS.sender)
      .send(body as object);
  const listCalls = () => link.requests.filter((call) => call.method === 'GET' && call.path === LIST_PATH).length;
  const rows = () =>
    t.dataSource.query(`SELECT name, language, category, otp_type, source FROM template WHERE portfolio = 'acme' ORDER BY name, language`);
  const OTP_ONE_ROW = { name: 'otp_one', language: 'en', category: 'AUTHENTICATION', otp_type: 'ONE_TAP', source: 'admin' };
  const report = (res: request.Response) =>
    res.body.destinations.map((entry: { input: string; action: string; sendAs?: string; code?: string }) => [
      entry.input,
      entry.action,
      entry.sendAs ?? null,
      entry.code ?? null,
    ]);

  describe('an authentication template, matched by trimmed name in every language', () => {
    it.each([
      ['in another language', 'otp_one', 'sv'],
      ['in a regional variant of its language', 'otp_one', 'en_US'],
      ["with a leading space, as in LINK's own example", ' otp_one', 'en'],
    ])('keeps otp_one %s off BSUIDs: rewritten to the phone, rejected without one', async (_, name, language) => {
      const res = await dedupe(messageRequest([B, B_ONLY, M2], name, language), '?prefer=bsuid');
      expect(res.status).toBe(200);
      expect(res.body.request.destinations).toEqual([M, M2]);
      expect(report(res)).toEqual([
        [B, 'rewritten', M, 'BSUID_AUTH_TEMPLATE'],
        [B_ONLY, 'rejected', null, 'BSUID_AUTH_TEMPLATE'],
        [M2, 'send', M2, null],
      ]);
      expect(res.body.templates).toEqual([{ name: 'otp_one', language, known: true, category: 'AUTHENTICATION', refreshTried: false }]);
      expect(listCalls()).toBe(0);
      expect(await rows()).toEqual([OTP_ONE_ROW]);
    });

    it('keeps it off BSUIDs through the proxy too, and forwards only the phones', async () => {
      link.enqueue(queued(['id-M', 'id-M2']));
      const res = await proxy(messageRequest([B_ONLY, B, M2], ' otp_one', 'sv'));
      expect(res.status).toBe(200);
      expect(link.requests.map((call) => [call.method, call.path])).toEqual([['POST', '/messages']]);
      expect(link.requests[0].body).toEqual(messageRequest([M, M2], ' otp_one', 'sv'));
      expect(res.body.messageIds).toEqual([null, 'id-M', 'id-M2']);
      expect(report(res)).toEqual([
        [B_ONLY, 'rejected', null, 'BSUID_AUTH_TEMPLATE'],
        [B, 'rewritten', M, 'BSUID_AUTH_TEMPLATE'],
        [M2, 'send', M2, null],
      ]);
    });
  });

  describe('a template the registry does not know', () => {
    it('asks LINK once, then sends to the phone when known and rejects TEMPLATE_UNKNOWN otherwise; a second request within the minute asks no more', async () => {
      link.enqueue(listed({ name: 'order_update', category: 'utility' }));
      const res = await dedupe(messageRequest([B, B_ONLY, M2], 'flash_sale'), '?prefer=bsuid');
      expect(res.status).toBe(200);
      expect(res.body.request.destinations).toEqual([M, M2]);
      expect(report(res)).toEqual([
        [B, 'rewritten', M, 'TEMPLATE_UNKNOWN'],
        [B_ONLY, 'rejected', null, 'TEMPLATE_UNKNOWN'],
        [M2, 'send', M2, null],
      ]);
      expect(res.body.destinations[0].reason).toMatch(/does not know this template/);
      expect(res.body.templates).toEqual([{ name: 'flash_sale', language: 'en', known: false, category: null, refreshTried: true }]);
      expect(listCalls()).toBe(1);
      expect(link.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('link-user:link-pass').toString('base64')}`);
      // The refresh is a sync: what LINK lists is in the registry now.
      expect(await rows()).toEqual([
        { name: 'order_update', language: 'en', category: 'UTILITY', otp_type: null, source: 'sync' },
        OTP_ONE_ROW,
      ]);

      const again = await dedupe(messageRequest([B, B_ONLY, M2], ' flash_sale', 'sv'));
      expect(again.status).toBe(200);
      expect(report(again)).toEqual(report(res));
      expect(again.body.templates).toEqual([{ name: 'flash_sale', language: 'sv', known: false, category: null, refreshTried: false }]);
      expect(listCalls()).toBe(1);

      // The minute counts per name: another unknown name asks again.
      link.enqueue(listed({ name: 'order_update', category: 'utility' }));
      const other = await dedupe(messageRequest([B_ONLY, M2], 'winter_sale'));
      expect(other.body.templates).toEqual([{ name: 'winter_sale', language: 'en', known: false, category: null, refreshTried: true }]);
      expect(listCalls()).toBe(2);
    });

    it('enforces what the refresh finds: an authentication template stays off BSUIDs, a utility one goes as addressed', async () => {
      link.enqueue(
        listed({ name: 'new_login', category: 'authentication', language: 'en_US' }, { name: 'new_notice', category: 'utility' }),
      );
      const login = await dedupe(messageRequest([B, B_ONLY], 'new_login', 'en_US'), '?prefer=bsuid');
      expect(login.status).toBe(200);
      expect(report(login)).toEqual([
        [B, 'rewritten', M, 'BSUID_AUTH_TEMPLATE'],
        [B_ONLY, 'rejected', null, 'BSUID_AUTH_TEMPLATE'],
      ]);
      expect(login.body.templates).toEqual([
        { name: 'new_login', language: 'en_US', known: true, category: 'AUTHENTICATION', refreshTried: true },
      ]);
      expect(await rows()).toEqual([
        { name: 'new_login', language: 'en_US', category: 'AUTHENTICATION', otp_type: 'COPY_CODE', source: 'sync' },
        { name: 'new_notice', language: 'en', category: 'UTILITY', otp_type: null, source: 'sync' },
        OTP_ONE_ROW,
      ]);

      const notice = await dedupe(messageRequest([B, B_ONLY], 'new_notice'), '?prefer=bsuid');
      expect(report(notice)).toEqual([
        [B, 'send', B, null],
        [B_ONLY, 'send', B_ONLY, null],
      ]);
      expect(notice.body.templates).toEqual([
        { name: 'new_notice', language: 'en', known: true, category: 'UTILITY', refreshTried: false },
      ]);
      expect(listCalls()).toBe(1);
    });

    it('fails closed when LINK cannot be asked: the request is answered, the template stays unknown, and nothing is written', async () => {
      link.enqueue({ status: 503, body: { resultCode: 112503, description: 'down', translatedDescription: null } });
      const res = await dedupe(messageRequest([B, B_ONLY], 'promo_down'));
      expect(res.status).toBe(200);
      expect(report(res)).toEqual([
        [B, 'rewritten', M, 'TEMPLATE_UNKNOWN'],
        [B_ONLY, 'rejected', null, 'TEMPLATE_UNKNOWN'],
      ]);
      expect(res.body.templates).toEqual([
        {
          name: 'promo_down',
          language: 'en',
          known: false,
          category: null,
          refreshTried: true,
          refreshError: expect.stringContaining('503'),
        },
      ]);
      expect(listCalls()).toBe(1);
      expect(await rows()).toEqual([OTP_ONE_ROW]);
    });

    it('fails closed when there are no LINK credentials to ask with, without calling LINK', async () => {
      await t.putPortfolio('acme', ACME);
      const res = await dedupe(messageRequest([B_ONLY, M2], 'promo_nocreds'));
      expect(res.status).toBe(200);
      expect(report(res)).toEqual([
        [B_ONLY, 'rejected', null, 'TEMPLATE_UNKNOWN'],
        [M2, 'send', M2, null],
      ]);
      expect(res.body.templates).toEqual([
        {
          name: 'promo_nocreds',
          language: 'en',
          known: false,
          category: null,
          refreshTried: true,
          refreshError: expect.stringContaining('No LINK credentials'),
        },
      ]);
      expect(link.requests).toEqual([]);
      expect(await rows()).toEqual([OTP_ONE_ROW]);
    });

    it('asks LINK once for concurrent requests naming the same unknown template', async () => {
      link.enqueue({ ...listed({ name: 'burst_offer', category: 'marketing' }), delayMs: 200 });
      const answers = await Promise.all([1, 2, 3].map(() => dedupe(messageRequest([B_ONLY, M2], 'burst_offer'))));
      for (const res of answers) {
        expect(res.status).toBe(200);
        expect(report(res)).toEqual([
          [B_ONLY, 'send', B_ONLY, null],
          [M2, 'send', M2, null],
        ]);
        expect(res.body.templates).toEqual([expect.objectContaining({ name: 'burst_offer', known: true, category: 'MARKETING' })]);
      }
      expect(listCalls()).toBe(1);
      expect(await rows()).toEqual([
        { name: 'burst_offer', language: 'en', category: 'MARKETING', otp_type: null, source: 'sync' },
        OTP_ONE_ROW,
      ]);
    });

    it('asks LINK nothing when every destination is a phone number, which carries every template', async () => {
      const res = await dedupe(messageRequest([M, M2], 'phones_only'));
      expect(res.status).toBe(200);
      expect(report(res)).toEqual([
        [M, 'send', M, null],
        [M2, 'send', M2, null],
      ]);
      expect(res.body.templates).toEqual([{ name: 'phones_only', language: 'en', known: false, category: null, refreshTried: false }]);
      expect(listCalls()).toBe(0);
    });

    it('through the proxy: one List Templates call, then the phones alone are forwarded', async () => {
      link.enqueue(listed({ name: 'order_update', category: 'UTILITY' }), queued(['id-M', 'id-M2']));
      const res = await proxy(messageRequest([B_ONLY, B, M2], 'proxy_unknown'));
      expect(res.status).toBe(200);
      expect(link.requests.map((call) => [call.method, call.path])).toEqual([
        ['GET', LIST_PATH],
        ['POST', '/messages'],
      ]);
      expect(link.requests[1].body).toEqual(messageRequest([M, M2], 'proxy_unknown'));
      expect(res.body.messageIds).toEqual([null, 'id-M', 'id-M2']);
      expect(report(res)).toEqual([
        [B_ONLY, 'rejected', null, 'TEMPLATE_UNKNOWN'],
        [B, 'rewritten', M, 'TEMPLATE_UNKNOWN'],
        [M2, 'send', M2, null],
      ]);
    });

    it('sends as before when the portfolio opts out with unknownTemplates "send", asking LINK nothing', async () => {
      await t.putPortfolio('acme', { ...ACME_WITH_CREDENTIALS, sendPolicies: { unknownTemplates: 'send' } });
      const portfolios = await request(t.http).get('/v1/portfolios').auth(KEYS.admin, { type: 'bearer' });
      expect(portfolios.body.portfolios.find((item: { key: string }) => item.key === 'acme').sendPolicies).toEqual({
        careWindow: false,
        skipInvalid: false,
        skipMarketingOptOut: false,
        unknownTemplates: 'send',
      });
      expect(await t.dataSource.query(`SELECT unknown_templates FROM portfolio WHERE key = 'acme'`)).toEqual([
        { unknown_templates: 'send' },
      ]);

      const res = await dedupe(messageRequest([B, B_ONLY], 'opted_out'), '?prefer=bsuid');
      expect(res.status).toBe(200);
      expect(res.body.request.destinations).toEqual([B, B_ONLY]);
      expect(report(res)).toEqual([
        [B, 'send', B, null],
        [B_ONLY, 'send', B_ONLY, null],
      ]);
      expect(res.body.templates).toEqual([{ name: 'opted_out', language: 'en', known: false, category: null, refreshTried: false }]);
      // A known authentication template is still kept off BSUIDs.
      const otp = await dedupe(messageRequest([B_ONLY], 'otp_one', 'sv'));
      expect(otp.status).toBe(400);
      expect(listCalls()).toBe(0);
    });

    it('refuses an unknownTemplates value it does not know, and keeps the setting', async () => {
      const res = await request(t.http)
        .put('/v1/portfolios/acme')
        .auth(KEYS.admin, { type: 'bearer' })
        .send({ ...ACME_WITH_CREDENTIALS, sendPolicies: { unknownTemplates: 'allow' } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(
        expect.objectContaining({ resultCode: 112506, fields: [{ field: 'sendPolicies.unknownTemplates', message: expect.any(String) }] }),
      );
      expect(await t.dataSource.query(`SELECT unknown_templates FROM portfolio WHERE key = 'acme'`)).toEqual([
        { unknown_templates: 'phone-or-reject' },
      ]);
    });
  });
});
