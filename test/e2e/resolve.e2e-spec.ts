import request from 'supertest';
import { api } from '../support/api';
import { noAccess, notFound, unauthorized, validation, validationIncluding } from '../support/expected-errors';
import { acmeDlr, mo } from '../support/link-builders';
import { ACME, GLOBEX, resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

const PHONE = '+46701234567';
const B = 'SE.13491208655302741918';
const P = 'SE.ENT.11815799212886844830';
const B_ONLY = 'SE.22222222222222222222';
const P_ONLY = 'SE.ENT.33333333333333333333';
const GLOBEX_PHONE = '+46709876543';
const GLOBEX_B = 'SE.55555555555555555555';

describe('resolve', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  /** A sent DLR routed to acme by its LINK platform, naming only the given identifiers. */
  const sentDlr = (parameters: Record<string, string>, messageId: string, timestamp: string) => acmeDlr(112006, parameters, messageId, timestamp);
  const resolve = (portfolio: string, identifiers: unknown, secret: string | null = KEYS.crm) => {
    const req = request(t.http).post(`/v1/portfolios/${portfolio}/contacts/resolve`);
    if (secret !== null) req.auth(secret, { type: 'bearer' });
    return req.send({ identifiers } as object);
  };

  describe('POST /v1/portfolios/:portfolio/contacts/resolve', () => {
    let full: Record<string, unknown>;
    let bsuidOnly: Record<string, unknown>;
    let parentOnly: Record<string, unknown>;
    let globexContact: Record<string, unknown>;

    beforeEach(async () => {
      await resetWithAcmeAndGlobex(t);

      const a = await t.postMo(mo(PHONE, { whatsappUserId: B, whatsappParentUserId: P }, 'r-1', '2026-06-01T10:00:00Z')).expect(200);
      const b = await t.postMo(mo(B_ONLY, { whatsappUserId: B_ONLY }, 'r-2', '2026-06-02T10:00:00Z')).expect(200);
      const c = await t.postDlr(sentDlr({ whatsappParentUserId: P_ONLY }, 'r-3', '2026-06-03T10:00:00Z')).expect(200);
      const g = await t.postMo(mo(GLOBEX_PHONE, { whatsappUserId: GLOBEX_B }, 'r-4', '2026-06-04T10:00:00Z', '+47000000000')).expect(200);
      expect([a.body.portfolio, b.body.portfolio, c.body.portfolio, g.body.portfolio]).toEqual(['acme', 'acme', 'acme', 'globex']);

      const view = {
        portfolio: 'acme',
        msisdn: null,
        bsuid: null,
        parentBsuid: null,
        status: 'active',
        updatedAt: expect.any(String),
        lastInboundAt: null,
        lastOutboundAt: null,
        careWindowOpenUntil: null,
        phoneVisibleUntil: null,
        externalId: null,
        sendToReason: expect.any(String),
      };
      full = {
        ...view,
        id: a.body.contactIds[0],
        msisdn: PHONE,
        bsuid: B,
        parentBsuid: P,
        firstSeenAt: '2026-06-01T10:00:00.000Z',
        lastInboundAt: '2026-06-01T10:00:00.000Z',
        careWindowOpenUntil: '2026-06-02T10:00:00.000Z',
        phoneVisibleUntil: '2026-07-01T10:00:00.000Z',
        sendTo: PHONE,
        sendToKind: 'msisdn',
      };
      bsuidOnly = {
        ...view,
        id: b.body.contactIds[0],
        bsuid: B_ONLY,
        firstSeenAt: '2026-06-02T10:00:00.000Z',
        lastInboundAt: '2026-06-02T10:00:00.000Z',
        careWindowOpenUntil: '2026-06-03T10:00:00.000Z',
        sendTo: B_ONLY,
        sendToKind: 'bsuid',
      };
      parentOnly = {
        ...view,
        id: c.body.contactIds[0],
        parentBsuid: P_ONLY,
        firstSeenAt: '2026-06-03T10:00:00.000Z',
        lastOutboundAt: '2026-06-03T10:00:00.000Z',
        sendTo: P_ONLY,
        sendToKind: 'parentBsuid',
      };
      globexContact = {
        ...view,
        id: g.body.contactIds[0],
        portfolio: 'globex',
        msisdn: GLOBEX_PHONE,
        bsuid: GLOBEX_B,
        firstSeenAt: '2026-06-04T10:00:00.000Z',
        lastInboundAt: '2026-06-04T10:00:00.000Z',
        careWindowOpenUntil: '2026-06-05T10:00:00.000Z',
        phoneVisibleUntil: '2026-07-04T10:00:00.000Z',
        sendTo: GLOBEX_PHONE,
        sendToKind: 'msisdn',
      };
    });

    it('finds one contact by every accepted phone form, its BSUID and its parent BSUID, answering each input as written', async () => {
      const inputs = [PHONE, '0046701234567', '+46 70-123 45 67', '46701234567', '0701234567', B, P];
      const res = await resolve('acme', inputs);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ results: inputs.map((input) => ({ input, status: 'found', contact: full })) });
    });

    it('answers the same contact as GET /contacts/:identifier does', async () => {
      const single = await request(t.http).get(`/v1/portfolios/acme/contacts/${B}`).auth(KEYS.crm, { type: 'bearer' });
      expect(single.status).toBe(200);
      const res = await resolve('acme', [B]);
      expect(res.body).toEqual({ results: [{ input: B, status: 'found', contact: single.body }] });
    });

    it('answers unknown identifiers as unknown, in input order among found ones', async () => {
      const inputs = ['+46709999999', B_ONLY, 'SE.99999999999999999999', 'SE.ENT.99999999999999999999', '0709999999', P_ONLY];
      const res = await resolve('acme', inputs);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        results: [
          { input: '+46709999999', status: 'unknown' },
          { input: B_ONLY, status: 'found', contact: bsuidOnly },
          { input: 'SE.99999999999999999999', status: 'unknown' },
          { input: 'SE.ENT.99999999999999999999', status: 'unknown' },
          { input: '0709999999', status: 'unknown' },
          { input: P_ONLY, status: 'found', contact: parentOnly },
        ],
      });
    });

    it('answers each item that is not an identifier as invalid with a reason, without failing the batch', async () => {
      const contactId = full.id as string;
      const inputs: unknown[] = ['hello', 'null', '', '   ', 123, null, true, { msisdn: PHONE }, [PHONE], contactId, 'SE.', 'se.13491208655302741918', PHONE];
      const res = await resolve('acme', inputs);
      expect(res.status).toBe(200);
      const invalid = (input: unknown, error: unknown = expect.any(String)) => ({ input, status: 'invalid', error });
      const notAString = expect.stringContaining('is not a string');
      expect(res.body).toEqual({
        results: [
          invalid('hello'),
          invalid('null'),
          invalid(''),
          invalid('   '),
          invalid(123, notAString),
          invalid(null, notAString),
          invalid(true, notAString),
          invalid({ msisdn: PHONE }, notAString),
          invalid([PHONE], notAString),
          invalid(contactId),
          invalid('SE.'),
          invalid('se.13491208655302741918'),
          { input: PHONE, status: 'found', contact: full },
        ],
      });
      for (const result of res.body.results.slice(0, -1)) expect(result.error.trim()).not.toBe('');
      // Errors do not spell out what might be personal data.
      expect(res.body.results[9].error).not.toContain(contactId);
    });

    it('answers a duplicate identifier every time it appears, in any of its forms', async () => {
      const inputs = [PHONE, B_ONLY, PHONE, '0701234567', B_ONLY, 'nope', 'nope', '+46709999999', '+46709999999'];
      const res = await resolve('acme', inputs);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        results: [
          { input: PHONE, status: 'found', contact: full },
          { input: B_ONLY, status: 'found', contact: bsuidOnly },
          { input: PHONE, status: 'found', contact: full },
          { input: '0701234567', status: 'found', contact: full },
          { input: B_ONLY, status: 'found', contact: bsuidOnly },
          { input: 'nope', status: 'invalid', error: expect.any(String) },
          { input: 'nope', status: 'invalid', error: expect.any(String) },
          { input: '+46709999999', status: 'unknown' },
          { input: '+46709999999', status: 'unknown' },
        ],
      });
    });

    it('tells what to send to: the phone when known, else the BSUID, else the parent BSUID, each with its reason', async () => {
      const res = await resolve('acme', [B, B_ONLY, P_ONLY]);
      expect(res.status).toBe(200);
      const contacts = res.body.results.map((result: { contact: Record<string, unknown> }) => result.contact);
      expect(contacts.map((contact: Record<string, unknown>) => [contact.sendTo, contact.sendToKind])).toEqual([
        [PHONE, 'msisdn'],
        [B_ONLY, 'bsuid'],
        [P_ONLY, 'parentBsuid'],
      ]);
      const reasons = contacts.map((contact: Record<string, unknown>) => contact.sendToReason as string);
      for (const reason of reasons) expect(reason.length).toBeGreaterThan(10);
      expect(new Set(reasons).size).toBe(3);
    });

    it('answers an empty list with no results', async () => {
      const res = await resolve('acme', []);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ results: [] });
    });

    it('accepts a batch of exactly 10,000 identifiers in a body over 1 MB, answered in input order', async () => {
      const filler = (index: number) => `SE.U${String(index).padStart(116, '9')}`;
      const identifiers = Array.from({ length: 10_000 }, (_, index) => filler(index));
      identifiers[0] = PHONE;
      identifiers[4_999] = B_ONLY;
      identifiers[9_998] = 'nope';
      identifiers[9_999] = P;
      const body = JSON.stringify({ identifiers });
      expect(Buffer.byteLength(body)).toBeGreaterThan(1024 * 1024);
      expect(Buffer.byteLength(body)).toBeGreaterThan(t.config.bodyLimitBytes);

      const res = await request(t.http)
        .post('/v1/portfolios/acme/contacts/resolve')
        .auth(KEYS.crm, { type: 'bearer' })
        .set('Content-Type', 'application/json')
        .send(body);
      expect(res.status).toBe(200);
      expect(res.body.results).toHaveLength(10_000);
      expect(res.body.results.map((result: { input: unknown }) => result.input)).toEqual(identifiers);
      expect(res.body.results[0]).toEqual({ input: PHONE, status: 'found', contact: full });
      expect(res.body.results[4_999]).toEqual({ input: B_ONLY, status: 'found', contact: bsuidOnly });
      expect(res.body.results[9_998]).toEqual({ input: 'nope', status: 'invalid', error: expect.any(String) });
      expect(res.body.results[9_999]).toEqual({ input: P, status: 'found', contact: full });
      const statuses = res.body.results.map((result: { status: string }) => result.status);
      expect(statuses.filter((status: string) => status === 'unknown')).toHaveLength(9_996);
      expect(res.body.results[1]).toEqual({ input: filler(1), status: 'unknown' });
    });

    it('answers 400 112506 for 10,001 identifiers', async () => {
      const identifiers = Array.from({ length: 10_001 }, () => PHONE);
      const res = await resolve('acme', identifiers);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(validation('identifiers'));
    });

    it.each([
      ['a string', PHONE],
      ['an object', { 0: PHONE }],
      ['a number', 1],
      ['null', null],
    ])('answers 400 112506 naming identifiers when it is %s', async (_, identifiers) => {
      const res = await resolve('acme', identifiers);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(validationIncluding('identifiers'));
      expect(res.body.fields.every((field: { field: string }) => field.field === 'identifiers')).toBe(true);
    });

    it('answers 400 112506 when identifiers is missing', async () => {
      const res = await request(t.http).post('/v1/portfolios/acme/contacts/resolve').auth(KEYS.crm, { type: 'bearer' }).send({ ids: [PHONE] });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(validationIncluding('identifiers'));
    });

    it('answers 112505 for a body that is not JSON', async () => {
      const res = await request(t.http)
        .post('/v1/portfolios/acme/contacts/resolve')
        .auth(KEYS.crm, { type: 'bearer' })
        .set('Content-Type', 'application/json')
        .send('{"identifiers": [');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ resultCode: 112505, description: expect.any(String), translatedDescription: null });
    });

    describe('who may resolve', () => {
      it('lets a read key of the portfolio resolve, and an admin key too', async () => {
        for (const secret of [KEYS.crm, KEYS.admin]) {
          const res = await resolve('acme', [PHONE], secret);
          expect(res.status).toBe(200);
          expect(res.body).toEqual({ results: [{ input: PHONE, status: 'found', contact: full }] });
        }
      });

      it("answers 403 112401 to a key of another portfolio, and to a key without the read role", async () => {
        for (const secret of [KEYS.globexAdmin, KEYS.webhook]) {
          const res = await resolve('acme', [PHONE], secret);
          expect(res.status).toBe(403);
          expect(res.body).toEqual(noAccess);
        }
        const crmOnGlobex = await resolve('globex', [GLOBEX_PHONE], KEYS.crm);
        expect(crmOnGlobex.status).toBe(403);
        expect(crmOnGlobex.body).toEqual(noAccess);
      });

      it('answers 401 112400 without a key or with a wrong one', async () => {
        const none = await resolve('acme', [PHONE], null);
        expect(none.status).toBe(401);
        expect(none.body).toEqual(unauthorized);
        const wrong = await resolve('acme', [PHONE], 'not-a-key');
        expect(wrong.status).toBe(401);
        expect(wrong.body).toEqual(unauthorized);
      });

      it('answers 404 for a portfolio that does not exist', async () => {
        const res = await resolve('nosuch', [PHONE], KEYS.admin);
        expect(res.status).toBe(404);
        expect(res.body).toEqual(notFound);
      });
    });

    it("never finds another portfolio's contacts", async () => {
      const acmeIds = [PHONE, '0701234567', B, P, B_ONLY, P_ONLY];
      const inGlobex = await resolve('globex', [...acmeIds, GLOBEX_PHONE, GLOBEX_B], KEYS.globexAdmin);
      expect(inGlobex.status).toBe(200);
      expect(inGlobex.body).toEqual({
        results: [
          ...acmeIds.map((input) => ({ input, status: 'unknown' })),
          { input: GLOBEX_PHONE, status: 'found', contact: globexContact },
          { input: GLOBEX_B, status: 'found', contact: globexContact },
        ],
      });
      const inAcme = await resolve('acme', [GLOBEX_PHONE, GLOBEX_B, PHONE]);
      expect(inAcme.status).toBe(200);
      expect(inAcme.body).toEqual({
        results: [
          { input: GLOBEX_PHONE, status: 'unknown' },
          { input: GLOBEX_B, status: 'unknown' },
          { input: PHONE, status: 'found', contact: full },
        ],
      });
    });

    it('finds the surviving contact after a merge, never the merged-away one', async () => {
      const phone = '+46701111111';
      const bsuid = 'SE.44444444444444444444';
      const older = await t.postMo(mo(phone, null, 'm-1', '2026-06-05T10:00:00Z')).expect(200);
      const younger = await t.postMo(mo(bsuid, { whatsappUserId: bsuid }, 'm-2', '2026-06-05T11:00:00Z')).expect(200);
      await t.postDlr(sentDlr({ destination: phone, whatsappUserId: bsuid }, 'm-3', '2026-06-05T12:00:00Z')).expect(200);
      const res = await resolve('acme', [phone, bsuid]);
      expect(res.status).toBe(200);
      const survivor = expect.objectContaining({ id: older.body.contactIds[0], msisdn: phone, bsuid });
      expect(res.body).toEqual({
        results: [
          { input: phone, status: 'found', contact: survivor },
          { input: bsuid, status: 'found', contact: survivor },
        ],
      });
      expect(JSON.stringify(res.body)).not.toContain(younger.body.contactIds[0]);
    });
  });

  describe('GET /v1/groups/:group/contacts/:parentBsuid', () => {
    const group = (name: string, parent: string, secret: string | null = KEYS.admin) => {
      const req = request(t.http).get(`/v1/groups/${name}/contacts/${parent}`);
      if (secret !== null) req.auth(secret, { type: 'bearer' });
      return req;
    };
    const { get } = api(() => t);
    const contactView = async (portfolio: string, id: string) => {
      const res = await get(id, KEYS.admin, portfolio);
      expect(res.status).toBe(200);
      return res.body;
    };
    const BY_PORTFOLIO = {
      acme: { number: '+46000000000', bsuid: 'SE.10000000000000000001', phone: '+46701000001' },
      beta: { number: '+46000000010', bsuid: 'SE.10000000000000000002', phone: null },
      gamma: { number: '+46000000020', bsuid: 'SE.10000000000000000003', phone: '+46701000003' },
    } as const;
    let ids: Record<string, string>;

    beforeEach(async () => {
      await t.resetDatabase();
      await t.putPortfolio('gamma', { businessNumbers: ['+46000000020'], group: 'g1' });
      await t.putPortfolio('acme', { ...ACME, group: 'g1' });
      await t.putPortfolio('beta', { businessNumbers: ['+46000000010'], group: 'g1' });
      await t.putPortfolio('globex', { ...GLOBEX, group: 'g2' });
      ids = {};
      // Sent in an order other than the portfolios', so that the answer's order is the service's.
      for (const portfolio of ['gamma', 'acme', 'beta'] as const) {
        const { number, bsuid, phone } = BY_PORTFOLIO[portfolio];
        const res = await t
          .postMo(mo(phone ?? bsuid, { whatsappUserId: bsuid, whatsappParentUserId: P }, `g-${portfolio}`, '2026-06-01T10:00:00Z', number))
          .expect(200);
        expect(res.body.portfolio).toBe(portfolio);
        ids[portfolio] = res.body.contactIds[0];
      }
      // The same parent in a portfolio of another group, and another parent in the group.
      await t.postMo(mo('SE.10000000000000000009', { whatsappUserId: 'SE.10000000000000000009', whatsappParentUserId: P }, 'g-globex', '2026-06-01T10:00:00Z', '+47000000000')).expect(200);
      await t.postMo(mo('SE.10000000000000000008', { whatsappUserId: 'SE.10000000000000000008', whatsappParentUserId: P_ONLY }, 'g-other', '2026-06-01T10:00:00Z', '+46000000010')).expect(200);
    });

    it("answers the contact of each of the group's portfolios sharing the parent BSUID, ordered by portfolio", async () => {
      const res = await group('g1', P);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        group: 'g1',
        parentBsuid: P,
        contacts: [await contactView('acme', ids.acme), await contactView('beta', ids.beta), await contactView('gamma', ids.gamma)],
      });
      expect(res.body.contacts).toEqual([
        expect.objectContaining({ portfolio: 'acme', bsuid: BY_PORTFOLIO.acme.bsuid, msisdn: '+46701000001', parentBsuid: P, sendToKind: 'msisdn' }),
        expect.objectContaining({ portfolio: 'beta', bsuid: BY_PORTFOLIO.beta.bsuid, msisdn: null, parentBsuid: P, sendToKind: 'bsuid' }),
        expect.objectContaining({ portfolio: 'gamma', bsuid: BY_PORTFOLIO.gamma.bsuid, msisdn: '+46701000003', parentBsuid: P, sendToKind: 'msisdn' }),
      ]);
    });

    it('answers another group only with its own portfolios', async () => {
      const res = await group('g2', P);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        group: 'g2',
        parentBsuid: P,
        contacts: [expect.objectContaining({ portfolio: 'globex', bsuid: 'SE.10000000000000000009', parentBsuid: P })],
      });
    });

    it('shows a key only the portfolios of the group it reaches', async () => {
      const res = await group('g1', P, KEYS.crm);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ group: 'g1', parentBsuid: P, contacts: [await contactView('acme', ids.acme)] });
    });

    it('answers 404 for an unknown group, and for a group none of whose portfolios the key reaches', async () => {
      const unknown = await group('nosuch', P);
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual(notFound);
      const unreached = await group('g1', P, KEYS.globexAdmin);
      expect(unreached.status).toBe(404);
      expect(unreached.body).toEqual(notFound);
      expect(JSON.stringify(unreached.body)).not.toContain('acme');
    });

    it.each([
      ['a BSUID', BY_PORTFOLIO.acme.bsuid],
      ['a phone number', encodeURIComponent('+46701000001')],
      ['text', 'hello'],
      ['a malformed parent BSUID', 'SE.ENT.'],
    ])('answers 400 112506 naming parentBsuid for %s', async (_, parent) => {
      const res = await group('g1', parent);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(validation('parentBsuid'));
    });

    it('answers 401 without a key and 403 to a key without the read role', async () => {
      const none = await group('g1', P, null);
      expect(none.status).toBe(401);
      expect(none.body).toEqual(unauthorized);
      const webhook = await group('g1', P, KEYS.webhook);
      expect(webhook.status).toBe(403);
      expect(webhook.body).toEqual(noAccess);
    });
  });
});
