// POST …/contacts/resolve: each input answered found, unknown or invalid, in order; portfolios and merges.
import request from 'supertest';
import { mo } from '../support/link-builders';
import { resetWithAcmeAndGlobex } from '../support/portfolios';
import { B, B_ONLY, GLOBEX_B, GLOBEX_PHONE, P, P_ONLY, PHONE, resolveRoute, seedResolveContacts, sentDlr } from '../support/resolve-seed';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

describe('resolve', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  const resolve = resolveRoute(() => t);

  describe('POST /v1/portfolios/:portfolio/contacts/resolve', () => {
    let full: Record<string, unknown>;
    let bsuidOnly: Record<string, unknown>;
    let parentOnly: Record<string, unknown>;
    let globexContact: Record<string, unknown>;

    beforeEach(async () => {
      await resetWithAcmeAndGlobex(t);
      ({ full, bsuidOnly, parentOnly, globexContact } = await seedResolveContacts(t));
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
      const inputs: unknown[] = [
        'hello',
        'null',
        '',
        '   ',
        123,
        null,
        true,
        { msisdn: PHONE },
        [PHONE],
        contactId,
        'SE.',
        'se.13491208655302741918',
        PHONE,
      ];
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
});
