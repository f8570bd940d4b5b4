// GET /v1/groups/:group/contacts/:parentBsuid: one person's contacts across the portfolios of a group.
import request from 'supertest';
import { api } from '../support/api';
import { noAccess, notFound, unauthorized, validation } from '../support/expected-errors';
import { mo } from '../support/link-builders';
import { ACME, GLOBEX } from '../support/portfolios';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

/** The parent BSUID the group's contacts share. */
const P = 'SE.ENT.11815799212886844830';
/** Another person's parent BSUID, in the same group. */
const P_ONLY = 'SE.ENT.33333333333333333333';

describe('parent BSUIDs across a group', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

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
      await t
        .postMo(
          mo(
            'SE.10000000000000000009',
            { whatsappUserId: 'SE.10000000000000000009', whatsappParentUserId: P },
            'g-globex',
            '2026-06-01T10:00:00Z',
            '+47000000000',
          ),
        )
        .expect(200);
      await t
        .postMo(
          mo(
            'SE.10000000000000000008',
            { whatsappUserId: 'SE.10000000000000000008', whatsappParentUserId: P_ONLY },
            'g-other',
            '2026-06-01T10:00:00Z',
            '+46000000010',
          ),
        )
        .expect(200);
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
        expect.objectContaining({
          portfolio: 'acme',
          bsuid: BY_PORTFOLIO.acme.bsuid,
          msisdn: '+46701000001',
          parentBsuid: P,
          sendToKind: 'msisdn',
        }),
        expect.objectContaining({ portfolio: 'beta', bsuid: BY_PORTFOLIO.beta.bsuid, msisdn: null, parentBsuid: P, sendToKind: 'bsuid' }),
        expect.objectContaining({
          portfolio: 'gamma',
          bsuid: BY_PORTFOLIO.gamma.bsuid,
          msisdn: '+46701000003',
          parentBsuid: P,
          sendToKind: 'msisdn',
        }),
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
