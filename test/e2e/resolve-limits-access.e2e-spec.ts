// POST …/contacts/resolve at its limits (10,000 identifiers, bodies it refuses) and who may call it.
import request from 'supertest';
import { noAccess, notFound, unauthorized, validation, validationIncluding } from '../support/expected-errors';
import { resetWithAcmeAndGlobex } from '../support/portfolios';
import { B_ONLY, GLOBEX_PHONE, P, PHONE, resolveRoute, seedResolveContacts } from '../support/resolve-seed';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

describe('resolve', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  const resolve = resolveRoute(() => t);

  describe('POST /v1/portfolios/:portfolio/contacts/resolve', () => {
    let full: Record<string, unknown>;
    let bsuidOnly: Record<string, unknown>;

    beforeEach(async () => {
      await resetWithAcmeAndGlobex(t);
      ({ full, bsuidOnly } = await seedResolveContacts(t));
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
      const res = await request(t.http)
        .post('/v1/portfolios/acme/contacts/resolve')
        .auth(KEYS.crm, { type: 'bearer' })
        .send({ ids: [PHONE] });
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

      it('answers 403 112401 to a key of another portfolio, and to a key without the read role', async () => {
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
  });
});
