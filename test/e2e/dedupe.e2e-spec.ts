// POST /v1/messages/dedupe: a LINK MessageRequest planned against the contact book and the template registry.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { api } from '../support/api';
import { noAccess, unauthorized, validation } from '../support/expected-errors';
import { acmeDlr, mo, sendMo } from '../support/link-builders';
import { ACME, ACME_NUMBER, GLOBEX, GLOBEX_NUMBER, resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, fixture, KEYS, TestApp } from '../support/test-app';

const M = '+46701234567';
const B = 'SE.13491208655302741918';
const B_ONLY = 'SE.22222222222222222222';
const P = 'SE.ENT.11815799212886844830';
const GLOBEX_B = 'SE.99999999999999999999';

/** Example#3 of LINK's document, from acme's number: every field but the destinations must come back as sent. */
const messageRequest = (destinations: unknown[], messages: unknown[] = [template('order_shipped')], source = ACME_NUMBER) => ({
  platformId: 'TEST_XA',
  platformPartnerId: '1',
  platformServiceId: 'yourPlatformServiceId',
  priority: 'NORMAL',
  relativeValidityTime: 1584543059442,
  absoluteValidityTime: '2020-03-18T16:49:21Z',
  eventReportGates: ['v08kM29P', 'jk98GtdP'],
  refId: 'yourRefId',
  customParameters: { yourCustomKey1: 'yourCustomValue1' },
  source,
  destinations,
  messages,
});
const template = (name: string) => ({
  type: 'template',
  template: { name, language: { code: 'en' } },
  components: [{ type: 'body', parameters: [] }],
});
const text = { type: 'text', text: { body: 'Hello' } };
/** Every MessageRequest example of LINK's document (test/fixtures/link/request-*.json). */
const REQUEST_FIXTURES = readdirSync(join(__dirname, '..', 'fixtures', 'link'))
  .filter((file) => file.startsWith('request-'))
  .map((file) => file.replace(/\.json$/, ''));

describe('POST /v1/messages/dedupe', () => {
  let t: TestApp;
  const http = api(() => t);
  beforeAll(async () => (t = await createTestApp()));
  beforeEach(async () => {
    await resetWithAcmeAndGlobex(t);
    await sendMo(t, mo(M, { whatsappUserId: B, whatsappParentUserId: P }, 'm-1', new Date().toISOString()));
    await sendMo(t, mo(B_ONLY, { whatsappUserId: B_ONLY }, 'm-2', '2026-06-01T10:00:00Z'));
    await sendMo(t, mo('+4790000001', { whatsappUserId: GLOBEX_B }, 'g-1', '2026-06-01T10:00:00Z', GLOBEX_NUMBER));
    await request(t.http)
      .put('/v1/portfolios/acme/templates/login_code')
      .auth(KEYS.admin, { type: 'bearer' })
      .send({ language: 'en', category: 'AUTHENTICATION', otpType: 'COPY_CODE' })
      .expect(201);
    await request(t.http)
      .put('/v1/portfolios/acme/templates/order_shipped')
      .auth(KEYS.admin, { type: 'bearer' })
      .send({ language: 'en', category: 'UTILITY' })
      .expect(201);
  });
  afterAll(() => t.close());

  const dedupe = (body: unknown, query = '', secret: string = KEYS.sender) =>
    request(t.http)
      .post(`/v1/messages/dedupe${query}`)
      .auth(secret, { type: 'bearer' })
      .send(body as object);

  it('sends each person once, keeps the order of first appearance, and passes everything else through', async () => {
    const body = messageRequest([B, '+46 70-123 45 67', B_ONLY, P, '0701234567']);
    const res = await dedupe(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      request: { ...body, destinations: [M, B_ONLY] },
      destinations: [
        {
          input: B,
          action: 'duplicate',
          sendAs: M,
          duplicateOf: '+46 70-123 45 67',
          duplicateOfIndex: 1,
          code: 'DUPLICATE',
          reason: expect.any(String),
        },
        { input: '+46 70-123 45 67', action: 'send', sendAs: M, reason: expect.any(String) },
        { input: B_ONLY, action: 'send', sendAs: B_ONLY, reason: expect.any(String) },
        {
          input: P,
          action: 'duplicate',
          sendAs: M,
          duplicateOf: '+46 70-123 45 67',
          duplicateOfIndex: 1,
          code: 'DUPLICATE',
          reason: expect.any(String),
        },
        {
          input: '0701234567',
          action: 'duplicate',
          sendAs: M,
          duplicateOf: '+46 70-123 45 67',
          duplicateOfIndex: 1,
          code: 'DUPLICATE',
          reason: expect.any(String),
        },
      ],
      templates: [{ name: 'order_shipped', language: 'en', known: true, category: 'UTILITY', refreshTried: false }],
      portfolio: 'acme',
    });
  });

  describe("LINK's examples", () => {
    // Their template names are placeholders no registry holds: `default` opts out of failing closed to let them through.
    beforeEach(() => t.putPortfolio('default', { sendPolicies: { unknownTemplates: 'send' } }));
    afterEach(() => t.putPortfolio('default', {}));

    it.each(REQUEST_FIXTURES)("passes LINK's example %s through with its messages untouched", async (name) => {
      const body = fixture(name);
      const res = await dedupe(body, '', KEYS.admin); // the examples' source belongs to no portfolio: default
      expect(res.status).toBe(200);
      expect(res.body.request).toEqual({ ...body, destinations: expect.any(Array) });
      expect(res.body.portfolio).toBe('default');
      // B is acme's: from the default portfolio it is another portfolio's BSUID. Everything else goes.
      const expected = [...new Set(body.destinations as string[])].filter((destination) => destination !== B);
      expect(res.body.request.destinations).toEqual(expected);
      for (const entry of res.body.destinations.filter((item: { input: string }) => item.input === B)) {
        expect(entry).toMatchObject({ action: 'rejected', code: 'BSUID_WRONG_PORTFOLIO' });
      }
    });
  });

  it('keeps the BSUID when asked to prefer it', async () => {
    const res = await dedupe(messageRequest([M, B]), '?prefer=bsuid');
    expect(res.body.request.destinations).toEqual([B]);
  });

  it('rewrites an authentication template to a BSUID to the phone, and rejects it where no phone is known', async () => {
    const res = await dedupe(messageRequest([B, B_ONLY], [template('login_code')]), '?prefer=bsuid');
    expect(res.status).toBe(200);
    expect(res.body.request.destinations).toEqual([M]);
    expect(res.body.destinations).toEqual([
      { input: B, action: 'rewritten', sendAs: M, code: 'BSUID_AUTH_TEMPLATE', reason: expect.any(String) },
      { input: B_ONLY, action: 'rejected', code: 'BSUID_AUTH_TEMPLATE', reason: expect.any(String) },
    ]);
    expect(res.body.templates).toEqual([
      { name: 'login_code', language: 'en', known: true, category: 'AUTHENTICATION', refreshTried: false },
    ]);
  });

  it("sees a template's change at once", async () => {
    const login = messageRequest([B_ONLY, M], [template('login_code')]);
    expect((await dedupe(login)).body.destinations[0]).toMatchObject({ action: 'rejected', code: 'BSUID_AUTH_TEMPLATE' });
    await request(t.http)
      .put('/v1/portfolios/acme/templates/login_code')
      .auth(KEYS.admin, { type: 'bearer' })
      .send({ language: 'en', category: 'UTILITY' })
      .expect(200);
    expect((await dedupe(login)).body.destinations[0]).toMatchObject({ action: 'send', sendAs: B_ONLY });
    await request(t.http).delete('/v1/portfolios/acme/templates/login_code?language=en').auth(KEYS.admin, { type: 'bearer' }).expect(200);
    // To a phone only: an unknown template to a BSUID asks LINK first (templates-enforcement.e2e-spec.ts).
    expect((await dedupe(messageRequest([M], [template('login_code')]))).body.templates).toEqual([
      { name: 'login_code', language: 'en', known: false, category: null, refreshTried: false },
    ]);
  });

  it("rejects another portfolio's BSUID, and dedupes a BSUID the contact held before", async () => {
    // A CRM's claimed BSUID, replaced when Meta attests another: the old one stays in history.
    const claimed = 'SE.55555555555555555555';
    await http.importContacts([{ msisdn: '+46705550000', bsuid: claimed }]).expect(200);
    await sendMo(t, mo('+46705550000', { whatsappUserId: 'SE.66666666666666666666' }, 'm-3', '2026-06-02T10:00:00Z'));

    const res = await dedupe(messageRequest([GLOBEX_B, '+46705550000', claimed]));
    expect(res.body.destinations.map((entry: { action: string; code?: string }) => [entry.action, entry.code ?? null])).toEqual([
      ['rejected', 'BSUID_WRONG_PORTFOLIO'],
      ['send', null],
      ['duplicate', 'DUPLICATE'],
    ]);
    expect(res.body.request.destinations).toEqual(['+46705550000']);
  });

  it('applies the care window and invalid-contact policies only when asked', async () => {
    await t.postDlr(acmeDlr(112404, { whatsappUserId: B_ONLY }, 'd-1', '2026-06-03T10:00:00Z')).expect(200);
    const body = messageRequest([M, B_ONLY], [text]);
    expect((await dedupe(body)).body.request.destinations).toEqual([M, B_ONLY]);
    const careWindow = await dedupe(body, '?careWindow=true');
    expect(careWindow.body.destinations.map((entry: { code?: string }) => entry.code ?? null)).toEqual([null, 'CARE_WINDOW_CLOSED']);
    const skipInvalid = await dedupe(messageRequest([M, B_ONLY]), '?skipInvalid=true');
    expect(skipInvalid.body.destinations.map((entry: { code?: string }) => entry.code ?? null)).toEqual([null, 'INVALID_CONTACT']);
  });

  it("applies the portfolio's policies when the request does not say, and the request's when it does", async () => {
    await t.postDlr(acmeDlr(112404, { whatsappUserId: B_ONLY }, 'd-2', '2026-06-03T10:00:00Z')).expect(200);
    await t.putPortfolio('acme', { ...ACME, sendPolicies: { careWindow: true, skipInvalid: true } });
    const portfolio = await request(t.http).get('/v1/portfolios').auth(KEYS.admin, { type: 'bearer' });
    expect(portfolio.body.portfolios.find((item: { key: string }) => item.key === 'acme').sendPolicies).toEqual({
      careWindow: true,
      skipInvalid: true,
      skipMarketingOptOut: false,
      unknownTemplates: 'phone-or-reject',
    });

    const byPortfolio = await dedupe(messageRequest([M, B_ONLY], [text]));
    expect(byPortfolio.body.destinations.map((entry: { code?: string }) => entry.code ?? null)).toEqual([null, 'INVALID_CONTACT']);
    const overridden = await dedupe(messageRequest([M, B_ONLY], [text]), '?careWindow=false&skipInvalid=false');
    expect(overridden.body.request.destinations).toEqual([M, B_ONLY]);
  });

  it('answers 400 listing every destination and why when none is left', async () => {
    const res = await dedupe(messageRequest(['nope', GLOBEX_B]));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      resultCode: 112506,
      description: 'Validation error',
      translatedDescription: null,
      fields: [
        { field: 'destinations[0]', message: expect.stringContaining('INVALID_DESTINATION') },
        { field: 'destinations[1]', message: expect.stringContaining('BSUID_WRONG_PORTFOLIO') },
      ],
      destinations: [
        { input: 'nope', action: 'rejected', code: 'INVALID_DESTINATION', reason: expect.any(String) },
        { input: GLOBEX_B, action: 'rejected', code: 'BSUID_WRONG_PORTFOLIO', reason: expect.any(String) },
      ],
    });
  });

  it.each([
    ['no destinations', { destinations: [] }, 'destinations'],
    ['an unknown priority', { priority: 'SOON' }, 'priority'],
    ['a source that is no number', { source: 'acme' }, 'source'],
  ])('answers 400 112506 for %s', async (_, changes, field) => {
    const res = await dedupe({ ...messageRequest([M]), ...changes });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(validation(field));
  });

  it('plans 100,000 destinations in one request, a body above the 1 MB limit of other routes', async () => {
    const destinations = Array.from({ length: 100_000 }, (_, index) => `+4673${String(index).padStart(7, '0')}`);
    const res = await dedupe(messageRequest([...destinations.slice(0, 99_998), M, B]));
    expect(res.status).toBe(200);
    expect(res.body.request.destinations).toHaveLength(99_999);
    expect(res.body.destinations[99_999]).toMatchObject({ input: B, action: 'duplicate', sendAs: M });
  });

  it('needs the send role, and a key that reaches the portfolio of the source', async () => {
    expect(
      (
        await request(t.http)
          .post('/v1/messages/dedupe')
          .send(messageRequest([M]))
      ).body,
    ).toEqual(unauthorized);
    expect((await dedupe(messageRequest([M]), '', KEYS.crm)).status).toBe(403);
    await t.putPortfolio('globex', GLOBEX);
    const other = await dedupe(messageRequest([M], [text], GLOBEX_NUMBER));
    expect(other.status).toBe(403);
    expect(other.body).toEqual(noAccess);
    expect((await dedupe(messageRequest([M], [text], '+4712345678'))).status).toBe(403); // no portfolio claims it: default
  });
});
