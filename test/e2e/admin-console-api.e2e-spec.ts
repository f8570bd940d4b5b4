// The routes the admin console needed beyond the existing API: the calling key, a contact's activity
// per business number, and identifiers learned per day. Same guards as every route (the OpenAPI
// suite also checks them for 401 without a key and 403 from another portfolio's key).
import request from 'supertest';
import { noAccess, notFound, unauthorized, validationIncluding } from '../support/expected-errors';
import { mo, sendMo } from '../support/link-builders';
import { ACME, ACME_NUMBER, resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

const PHONE = '+46701234567';
const B = 'SE.13491208655302741918';
const B2 = 'SE.22222222222222222222';
const P = 'SE.ENT.11815799212886844830';
const SECOND_NUMBER = '+46000000001';
const DAY_MS = 86_400_000;

describe('admin console API routes', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  beforeEach(() => resetWithAcmeAndGlobex(t));
  afterAll(() => t.close());

  const get = (path: string, secret?: string) => {
    const req = request(t.http).get(path);
    return secret ? req.auth(secret, { type: 'bearer' }) : req;
  };

  describe('GET /v1/key', () => {
    it('tells each key its name, roles and the portfolios it reaches', async () => {
      expect((await get('/v1/key', KEYS.admin)).body).toEqual({
        name: 'admin',
        roles: ['admin'],
        portfolios: ['acme', 'default', 'globex'],
      });
      expect((await get('/v1/key', KEYS.crm)).body).toEqual({ name: 'crm', roles: ['read'], portfolios: ['acme'] });
      expect((await get('/v1/key', KEYS.globexAdmin)).body).toEqual({ name: 'globex-admin', roles: ['admin'], portfolios: ['globex'] });
      const metrics = await get('/v1/key', KEYS.metrics);
      expect(metrics.status).toBe(200);
      expect(metrics.body.roles).toEqual(['metrics']);
    });

    it('takes Basic credentials as the console sends them, and refuses a wrong or missing key (401)', async () => {
      const basic = await request(t.http).get('/v1/key').auth('crm', KEYS.crm);
      expect(basic.status).toBe(200);
      expect(basic.body.name).toBe('crm');
      for (const res of [await get('/v1/key'), await request(t.http).get('/v1/key').auth('crm', KEYS.admin)]) {
        expect(res.status).toBe(401);
        expect(res.body).toEqual(unauthorized);
      }
    });
  });

  describe('GET /v1/portfolios/:portfolio/contacts/:identifier/activity', () => {
    beforeEach(() => t.putPortfolio('acme', { ...ACME, businessNumbers: [ACME_NUMBER, SECOND_NUMBER] }));

    it('gives the care window and phone visibility per business number, over the contacts merged in', async () => {
      const now = Date.now();
      const at = (hoursAgo: number) => new Date(now - hoursAgo * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      // The phone to the first number, its BSUID apart to the second, then one MO with both: a merge.
      const older = await sendMo(t, mo(PHONE, null, 'a-1', at(50)));
      await sendMo(t, mo(B, { whatsappUserId: B }, 'a-2', at(30), SECOND_NUMBER));
      expect(await sendMo(t, mo(PHONE, { whatsappUserId: B }, 'a-3', at(2)))).toBe(older);

      const res = await get(`/v1/portfolios/acme/contacts/${encodeURIComponent(B)}/activity`, KEYS.crm);
      expect(res.status).toBe(200);
      const iso = (hoursAgo: number) => new Date(Date.parse(at(hoursAgo))).toISOString();
      const plus = (hoursAgo: number, hours: number) => new Date(Date.parse(at(hoursAgo)) + hours * 3_600_000).toISOString();
      expect(res.body).toEqual({
        contactId: older,
        businessNumbers: [
          {
            businessNumber: ACME_NUMBER,
            lastInboundAt: iso(2),
            lastOutboundAt: null,
            careWindowOpenUntil: plus(2, 24),
            phoneVisibility: 'contactBook',
            phoneVisibleUntil: null,
            contactBookAt: iso(50),
          },
          {
            // Only a BSUID wrote to this number: no contact-book entry, 30 days from that exchange.
            businessNumber: SECOND_NUMBER,
            lastInboundAt: iso(30),
            lastOutboundAt: null,
            careWindowOpenUntil: plus(30, 24),
            phoneVisibility: 'window',
            phoneVisibleUntil: plus(30, 30 * 24),
            contactBookAt: null,
          },
        ],
      });
    });

    it('answers an empty list for a contact no number exchanged with, 404 for nobody, 403 to another portfolio', async () => {
      const imported = await request(t.http)
        .put('/v1/portfolios/acme/contacts')
        .auth(KEYS.admin, { type: 'bearer' })
        .send({ contacts: [{ bsuid: B2 }] });
      expect(imported.status).toBe(200);
      const res = await get(`/v1/portfolios/acme/contacts/${B2}/activity`, KEYS.admin);
      expect(res.body).toEqual({ contactId: expect.any(String), businessNumbers: [] });
      expect((await get(`/v1/portfolios/acme/contacts/${B}/activity`, KEYS.admin)).body).toEqual(notFound);
      const other = await get(`/v1/portfolios/acme/contacts/${B2}/activity`, KEYS.globexAdmin);
      expect(other.status).toBe(403);
      expect(other.body).toEqual(noAccess);
      expect((await get(`/v1/portfolios/acme/contacts/${B2}/activity`, KEYS.sender)).status).toBe(403);
    });
  });

  describe('GET /v1/portfolios/:portfolio/stats/learned', () => {
    it('counts identifiers linked per UTC day of their event time, every day listed', async () => {
      const today = new Date().toISOString().slice(0, 10);
      const twoDaysAgo = new Date(Date.now() - 2 * DAY_MS).toISOString().slice(0, 10);
      await sendMo(t, mo(PHONE, { whatsappUserId: B, whatsappParentUserId: P }, 'l-1', `${twoDaysAgo}T10:00:00Z`));
      await sendMo(t, mo(B2, { whatsappUserId: B2 }, 'l-2', new Date().toISOString()));
      // Redelivered: counted once.
      expect((await t.postMo(mo(B2, { whatsappUserId: B2 }, 'l-2', new Date().toISOString()))).status).toBe(200);

      const res = await get('/v1/portfolios/acme/stats/learned?days=3', KEYS.crm);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        days: 3,
        since: twoDaysAgo,
        items: [
          { day: twoDaysAgo, msisdn: 1, bsuid: 1, parentBsuid: 1 },
          { day: new Date(Date.now() - DAY_MS).toISOString().slice(0, 10), msisdn: 0, bsuid: 0, parentBsuid: 0 },
          { day: today, msisdn: 0, bsuid: 1, parentBsuid: 0 },
        ],
      });
      // Another portfolio's history is its own.
      const globex = await get('/v1/portfolios/globex/stats/learned?days=3', KEYS.globexAdmin);
      expect(globex.body.items.map((item: { bsuid: number }) => item.bsuid)).toEqual([0, 0, 0]);
    });

    it('takes 1 to 90 days, 30 by default', async () => {
      expect((await get('/v1/portfolios/acme/stats/learned', KEYS.crm)).body.items).toHaveLength(30);
      for (const days of ['0', '91', 'x']) {
        const res = await get(`/v1/portfolios/acme/stats/learned?days=${days}`, KEYS.crm);
        expect(res.status).toBe(400);
        expect(res.body).toEqual(validationIncluding('days'));
      }
      expect((await get('/v1/portfolios/acme/stats/learned', KEYS.globexAdmin)).status).toBe(403);
    });
  });
});
