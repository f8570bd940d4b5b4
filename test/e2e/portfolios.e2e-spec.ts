import request from 'supertest';
import { conflict, noAccess, validation, validationIncluding } from '../support/expected-errors';
import { createTestApp, fixture, KEYS, TestApp } from '../support/test-app';

describe('portfolios', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  beforeEach(() => t.resetDatabase());
  afterAll(() => t.close());

  const put = (key: string, body: object, secret: string = KEYS.admin) =>
    request(t.http).put(`/v1/portfolios/${key}`).auth(secret, { type: 'bearer' }).send(body);
  const numbers = () => t.dataSource.query('SELECT number, portfolio FROM business_number ORDER BY number');
  const portfolios = () =>
    t.dataSource.query(
      `SELECT key, platform_id, platform_partner_id, group_key, region, link_username, link_password FROM portfolio ORDER BY key`,
    );

  describe('PUT /v1/portfolios/:portfolio', () => {
    it('creates a portfolio (201) with its business numbers normalised and sorted', async () => {
      const res = await put('acme', {
        businessNumbers: ['0046 70 000 0000', '+46000000000', '+46 70-000 00 00'],
        platformId: 'TEST_XA',
        platformPartnerId: '1',
        group: 'acme-group',
        region: 'SE',
        upstream: { username: 'acme-user', password: 'acme-password' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        key: 'acme',
        businessNumbers: ['+46000000000', '+46700000000'],
        platformId: 'TEST_XA',
        platformPartnerId: '1',
        group: 'acme-group',
        region: 'SE',
        hasUpstreamCredentials: true,
        sendPolicies: { careWindow: false, skipInvalid: false, skipMarketingOptOut: false, unknownTemplates: 'phone-or-reject' },
        meta: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(JSON.stringify(res.body)).not.toContain('acme-password');
      expect(await numbers()).toEqual([
        { number: '+46000000000', portfolio: 'acme' },
        { number: '+46700000000', portfolio: 'acme' },
      ]);
      expect(await portfolios()).toEqual([
        {
          key: 'acme',
          platform_id: 'TEST_XA',
          platform_partner_id: '1',
          group_key: 'acme-group',
          region: 'SE',
          link_username: 'acme-user',
          link_password: 'acme-password',
        },
        {
          key: 'default',
          platform_id: null,
          platform_partner_id: null,
          group_key: null,
          region: null,
          link_username: null,
          link_password: null,
        },
      ]);
    });

    it('replaces a portfolio whole (200): settings left out are cleared, numbers left out are released', async () => {
      const first = await put('acme', {
        businessNumbers: ['+46000000000', '+46700000000'],
        platformId: 'TEST_XA',
        platformPartnerId: '1',
        group: 'acme-group',
        region: 'SE',
        upstream: { username: 'acme-user', password: 'acme-password' },
      });
      expect(first.status).toBe(201);

      const res = await put('acme', { businessNumbers: ['+46700000000', '+46700000001'], platformId: 'TEST_XB' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        key: 'acme',
        businessNumbers: ['+46700000000', '+46700000001'],
        platformId: 'TEST_XB',
        platformPartnerId: null,
        group: null,
        region: null,
        hasUpstreamCredentials: false,
        sendPolicies: { careWindow: false, skipInvalid: false, skipMarketingOptOut: false, unknownTemplates: 'phone-or-reject' },
        meta: null,
        createdAt: first.body.createdAt,
        updatedAt: expect.any(String),
      });
      expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(first.body.updatedAt));
      expect(await numbers()).toEqual([
        { number: '+46700000000', portfolio: 'acme' },
        { number: '+46700000001', portfolio: 'acme' },
      ]);
      expect(await portfolios()).toEqual([
        {
          key: 'acme',
          platform_id: 'TEST_XB',
          platform_partner_id: null,
          group_key: null,
          region: null,
          link_username: null,
          link_password: null,
        },
        expect.objectContaining({ key: 'default' }),
      ]);
    });

    it('answers 409 for a business number another portfolio owns, in any written form, and changes nothing', async () => {
      await t.putPortfolio('acme', { businessNumbers: ['+46000000000'], platformId: 'TEST_XA', platformPartnerId: '1' });
      await t.putPortfolio('globex', { businessNumbers: ['+47000000000'], platformId: 'TEST_GX' });
      const numbersBefore = await numbers();
      const portfoliosBefore = await portfolios();

      const create = await put('initech', { businessNumbers: ['+48000000000', '0046 000 000 000'] });
      expect(create.status).toBe(409);
      expect(create.body).toEqual(conflict);

      const replace = await put('globex', { businessNumbers: ['+47000000000', '+46000000000'], platformId: 'TEST_GX2' });
      expect(replace.status).toBe(409);
      expect(replace.body).toEqual(conflict);

      expect(await numbers()).toEqual(numbersBefore);
      expect(await portfolios()).toEqual(portfoliosBefore);
      expect(numbersBefore).toEqual([
        { number: '+46000000000', portfolio: 'acme' },
        { number: '+47000000000', portfolio: 'globex' },
      ]);
    });

    it("answers 409 for LINK's platform of another portfolio, and changes nothing", async () => {
      await t.putPortfolio('acme', { businessNumbers: ['+46000000000'], platformId: 'TEST_XA', platformPartnerId: '1' });
      const before = await portfolios();
      const res = await put('globex', { businessNumbers: ['+47000000000'], platformId: 'TEST_XA', platformPartnerId: '1' });
      expect(res.status).toBe(409);
      expect(res.body).toEqual(conflict);
      expect(await portfolios()).toEqual(before);
      expect(await numbers()).toEqual([{ number: '+46000000000', portfolio: 'acme' }]);
    });

    it('does not name, to a key that does not reach it, the portfolio owning a business number', async () => {
      await t.putPortfolio('acme', { businessNumbers: ['+46000000000'] });
      await t.putPortfolio('globex', {});
      const res = await put('globex', { businessNumbers: ['+46000000000'] }, KEYS.globexAdmin);
      expect(res.status).toBe(409);
      expect(res.body).toEqual(conflict);
      expect(res.body.description).not.toContain('acme');
    });

    it.each([
      [{ region: 'Sweden' }, 'region'],
      [{ group: 'bad group!' }, 'group'],
      [{ businessNumbers: '+46000000000' }, 'businessNumbers'],
      [{ businessNumbers: [46000000000] }, 'businessNumbers'],
      [{ businessNumbers: null }, 'businessNumbers'],
      [{ platformId: 42 }, 'platformId'],
      [{ upstream: { username: 'user' } }, 'upstream.password'],
    ])('answers 400 112506 for %j, naming the field, and writes nothing', async (body, field) => {
      const res = await put('acme', body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(validationIncluding(field));
      expect(res.body.fields.every((f: { field: string }) => f.field === field)).toBe(true);
      expect(await portfolios()).toEqual([expect.objectContaining({ key: 'default' })]);
    });

    it.each([
      ['abc', ['abc'], 'businessNumbers[0]'],
      ['abc after a good one', ['+46000000000', 'abc'], 'businessNumbers[1]'],
      ['a blank', [''], 'businessNumbers[0]'],
      ['too many digits', ['+4600000000000000'], 'businessNumbers[0]'],
      ['a local form, which names no country', ['070 000 0000'], 'businessNumbers[0]'],
    ])('answers 400 112506 for a business number that is %s', async (_, businessNumbers, field) => {
      const res = await put('acme', { businessNumbers });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(validation(field));
      expect(await portfolios()).toEqual([expect.objectContaining({ key: 'default' })]);
      expect(await numbers()).toEqual([]);
    });

    it('accepts a region only in a form that local numbers can then be read in', async () => {
      const res = await put('acme', { businessNumbers: ['+46000000000'], region: 'se' });
      // Refusing the lower-case code or storing it as 'SE' are both fine; keeping 'se' is not.
      if (res.status === 400) {
        expect(res.body).toEqual(validation('region'));
        return;
      }
      expect(res.status).toBe(201);
      expect(res.body.region).toBe('SE');
      const mo = await t.postMo({ ...fixture('mo-01-text-msisdn'), source: '0701234567', messageId: 'region-se' });
      expect(mo.status).toBe(200);
      expect(await t.contactsOf('acme')).toEqual([expect.objectContaining({ msisdn: '+46701234567' })]);
    });

    it.each([encodeURIComponent('bad key!'), '-acme', 'a'.repeat(65)])(
      'answers 400 112506 naming portfolio for the key %s',
      async (key) => {
        const res = await put(key, { businessNumbers: ['+46000000000'] });
        expect(res.status).toBe(400);
        expect(res.body).toEqual(validation('portfolio'));
        expect(await portfolios()).toEqual([expect.objectContaining({ key: 'default' })]);
        expect(await numbers()).toEqual([]);
      },
    );

    it('lets a portfolio admin change its own portfolio, but not take numbers or a platform from default, nor touch others', async () => {
      await t.putPortfolio('globex', { businessNumbers: ['+47000000000', '+47000000002'] });
      const own = await put('globex', { businessNumbers: ['+47000000000'], region: 'NO' }, KEYS.globexAdmin);
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ key: 'globex', businessNumbers: ['+47000000000'], region: 'NO' });

      const claimNumber = await put('globex', { businessNumbers: ['+47000000000', '+47000000001'] }, KEYS.globexAdmin);
      expect(claimNumber.status).toBe(403);
      expect(claimNumber.body).toEqual(noAccess);
      const claimPlatform = await put('globex', { businessNumbers: ['+47000000000'], platformId: 'TEST_XA' }, KEYS.globexAdmin);
      expect(claimPlatform.status).toBe(403);
      for (const key of ['acme', 'initech']) {
        const res = await put(key, { businessNumbers: ['+48000000000'] }, KEYS.globexAdmin);
        expect(res.status).toBe(403);
        expect(res.body).toEqual(noAccess);
      }
      expect(await portfolios()).toEqual([
        expect.objectContaining({ key: 'default' }),
        expect.objectContaining({ key: 'globex', platform_id: null }),
      ]);
      expect(await numbers()).toEqual([{ number: '+47000000000', portfolio: 'globex' }]);
    });
  });

  describe('GET /v1/portfolios', () => {
    beforeEach(async () => {
      await t.putPortfolio('globex', { businessNumbers: ['+47000000000'], region: 'NO' });
      await t.putPortfolio('acme', { businessNumbers: ['+46000000000'], platformId: 'TEST_XA', platformPartnerId: '1' });
    });

    it('lists every portfolio, default included, for an admin of all', async () => {
      const res = await request(t.http).get('/v1/portfolios').auth(KEYS.admin, { type: 'bearer' });
      expect(res.status).toBe(200);
      const view = {
        platformId: null,
        platformPartnerId: null,
        group: null,
        region: null,
        hasUpstreamCredentials: false,
        sendPolicies: { careWindow: false, skipInvalid: false, skipMarketingOptOut: false, unknownTemplates: 'phone-or-reject' },
        meta: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      };
      expect(res.body).toEqual({
        portfolios: [
          { ...view, key: 'acme', businessNumbers: ['+46000000000'], platformId: 'TEST_XA', platformPartnerId: '1' },
          { ...view, key: 'default', businessNumbers: [] },
          { ...view, key: 'globex', businessNumbers: ['+47000000000'], region: 'NO' },
        ],
      });
    });

    it('lists only the portfolios a scoped admin reaches', async () => {
      const res = await request(t.http).get('/v1/portfolios').auth(KEYS.globexAdmin, { type: 'bearer' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        portfolios: [
          {
            key: 'globex',
            businessNumbers: ['+47000000000'],
            platformId: null,
            platformPartnerId: null,
            group: null,
            region: 'NO',
            hasUpstreamCredentials: false,
            sendPolicies: { careWindow: false, skipInvalid: false, skipMarketingOptOut: false, unknownTemplates: 'phone-or-reject' },
            meta: null,
            createdAt: expect.any(String),
            updatedAt: expect.any(String),
          },
        ],
      });
    });
  });

  describe('routing webhooks', () => {
    it('sends an MO to the portfolio owning its business number once PUT, and back to default once released', async () => {
      const before = await t.postMo({ ...fixture('mo-01-text-msisdn'), messageId: 'route-1' });
      expect(before.body).toEqual({ status: 'applied', portfolio: 'default', contactIds: [expect.any(String)] });

      await t.putPortfolio('acme', { businessNumbers: ['+46000000000'] });
      const after = await t.postMo({ ...fixture('mo-01-text-msisdn'), messageId: 'route-2' });
      expect(after.status).toBe(200);
      expect(after.body).toEqual({ status: 'applied', portfolio: 'acme', contactIds: [expect.any(String)] });
      expect(await t.contactsOf('acme')).toEqual([
        { id: after.body.contactIds[0], msisdn: '+46000000001', bsuid: null, parentBsuid: null },
      ]);

      await t.putPortfolio('acme', { businessNumbers: [] });
      const released = await t.postMo({ ...fixture('mo-01-text-msisdn'), messageId: 'route-3' });
      expect(released.body).toEqual({ status: 'applied', portfolio: 'default', contactIds: [before.body.contactIds[0]] });
      expect(await t.contactsOf('default')).toEqual([
        { id: before.body.contactIds[0], msisdn: '+46000000001', bsuid: null, parentBsuid: null },
      ]);
      expect(await t.contactsOf('acme')).toHaveLength(1);
    });

    it("reads local numbers in the portfolio's region", async () => {
      await t.putPortfolio('britco', { businessNumbers: ['+46000000000'], region: 'GB' });
      const res = await t.postMo({ ...fixture('mo-01-text-msisdn'), source: '07700 900123', messageId: 'region-1' });
      expect(res.status).toBe(200);
      expect(res.body.portfolio).toBe('britco');
      expect(await t.contactsOf('britco')).toEqual([expect.objectContaining({ msisdn: '+447700900123' })]);
    });
  });
});
