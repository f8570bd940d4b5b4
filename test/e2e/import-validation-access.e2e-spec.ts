// Import refusals and reach: invalid rows, request limits, and which keys may import where.
import request from 'supertest';
import { api } from '../support/api';
import { noAccess, notFound, unauthorized, validationIncluding } from '../support/expected-errors';
import { B, B2, imported, importedRows, P, PHONE, PHONE2, report } from '../support/contact-import';
import { resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

describe('PUT /v1/portfolios/:portfolio/contacts (import)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  beforeEach(() => resetWithAcmeAndGlobex(t));
  afterAll(() => t.close());

  const { importContacts: importRows } = api(() => t);
  // What was imported is read back as the CRM reads it, with its read key.
  const { get } = api(() => t, KEYS.crm);
  const { stored, everything } = importedRows(() => t);

  describe('invalid rows', () => {
    it('reports each with its row number and reason, and applies the valid rows of the same import', async () => {
      const res = await importRows([
        { msisdn: PHONE },
        { externalId: 'crm-1' },
        { msisdn: B },
        { bsuid: 'SE.' },
        { msisdn: 'null' },
        { bsuid: P },
        { msisdn: '+460000000000' },
        { msisdn: 46701234567 },
        { bsuid: B2, externalId: { id: 1 } },
        { bsuid: B2, parentBsuid: P },
      ]);
      expect(res.status).toBe(200);
      const invalid = (row: number, field: string, reason: string) => ({
        row,
        outcome: 'invalid',
        field,
        reason: expect.stringContaining(reason),
      });
      expect(res.body).toEqual(
        report({ rows: 10, created: 2, invalid: 8 }, [
          invalid(2, 'msisdn', 'the row has no msisdn, bsuid or parentBsuid'),
          invalid(3, 'msisdn', 'is a BSUID, not a phone number'),
          invalid(4, 'bsuid', 'is not a BSUID'),
          invalid(5, 'msisdn', 'placeholder'),
          invalid(6, 'bsuid', 'is a parent BSUID, not a BSUID'),
          invalid(7, 'msisdn', 'all zeros'),
          invalid(8, 'msisdn', 'is not a string'),
          invalid(9, 'externalId', 'must be a string'),
        ]),
      );
      for (const problem of res.body.problems) {
        expect(problem).not.toHaveProperty('contactId');
        expect(problem.reason).not.toContain(B);
        expect(problem.reason).not.toContain(P);
      }
      expect(await t.contactsOf('acme')).toEqual(
        expect.arrayContaining([
          { id: expect.any(String), msisdn: PHONE, bsuid: null, parentBsuid: null },
          { id: expect.any(String), msisdn: null, bsuid: B2, parentBsuid: P },
        ]),
      );
      expect(await t.contactsOf('acme')).toHaveLength(2);
    });

    it('answers 200 with every row invalid, and writes nothing', async () => {
      const res = await importRows([{ msisdn: 'hello' }, {}]);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(
        report({ rows: 2, invalid: 2 }, [
          { row: 1, outcome: 'invalid', field: 'msisdn', reason: expect.stringContaining('neither a phone number nor a BSUID') },
          { row: 2, outcome: 'invalid', field: 'msisdn', reason: 'the row has no msisdn, bsuid or parentBsuid' },
        ]),
      );
      expect(await everything()).toEqual({ contacts: [], history: [], conflicts: [] });
    });

    it('reports a CRM id the database cannot store (a NUL) as an invalid row, and applies the others', async () => {
      const res = await importRows([
        { bsuid: B, externalId: 'crm\u00001' },
        { msisdn: PHONE2, externalId: 'crm-2' },
      ]);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(
        report({ rows: 2, created: 1, invalid: 1 }, [
          { row: 1, outcome: 'invalid', field: 'externalId', reason: 'must not hold control characters' },
        ]),
      );
      expect(await stored()).toEqual([expect.objectContaining({ msisdn: PHONE2, external_id: 'crm-2' })]);
    });

    it('takes empty cells ("", blank, null) as absent, not invalid', async () => {
      const res = await importRows([
        { msisdn: '', bsuid: B, parentBsuid: null, externalId: '' },
        { msisdn: PHONE2, bsuid: '   ', parentBsuid: '', externalId: null },
      ]);
      expect(res.body).toEqual(report({ rows: 2, created: 2 }));
      expect(await stored()).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ msisdn: null, bsuid: B, parent_bsuid: null, external_id: null }),
          expect.objectContaining({ msisdn: PHONE2, bsuid: null, parent_bsuid: null, external_id: null }),
        ]),
      );
    });

    it('reports a row of only empty cells as having no identifier', async () => {
      const res = await importRows([{ msisdn: '', bsuid: null, parentBsuid: ' ' }]);
      expect(res.body).toEqual(
        report({ rows: 1, invalid: 1 }, [
          { row: 1, outcome: 'invalid', field: 'msisdn', reason: 'the row has no msisdn, bsuid or parentBsuid' },
        ]),
      );
      expect(await t.contactsOf('acme')).toEqual([]);
    });
  });

  describe('limits', () => {
    const phone = (index: number) => `+4670${String(index).padStart(7, '0')}`;

    it.each([
      ['no rows', []],
      ['10,001 rows', Array.from({ length: 10_001 }, (_, index) => ({ msisdn: phone(index) }))],
      ['a row that is text', [{ msisdn: PHONE }, 'text']],
      ['a row that is null', [{ msisdn: PHONE }, null]],
      ['a row that is a list', [{ msisdn: PHONE }, [PHONE]]],
      ['a row that is a number', [42]],
      ['contacts that are not a list', { msisdn: PHONE }],
    ])('answers 400 112506 for %s, and writes nothing', async (_, contacts) => {
      const res = await importRows(contacts);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(validationIncluding('contacts'));
      expect(await everything()).toEqual({ contacts: [], history: [], conflicts: [] });
    });

    it('answers 400 112506 for a body without contacts', async () => {
      const res = await request(t.http)
        .put('/v1/portfolios/acme/contacts')
        .auth(KEYS.admin, { type: 'bearer' })
        .send({ rows: [{ msisdn: PHONE }] });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(validationIncluding('contacts'));
    });

    it('imports 10,000 rows in one request, a body above the 1 MB limit of other routes', async () => {
      const contacts = Array.from({ length: 10_000 }, (_, index) => ({
        msisdn: phone(index),
        bsuid: `SE.1${String(index).padStart(19, '0')}`,
        parentBsuid: `SE.ENT.9${String(index).padStart(19, '0')}`,
        externalId: `crm-${index}`,
      }));
      expect(Buffer.byteLength(JSON.stringify({ contacts }))).toBeGreaterThan(t.config.bodyLimitBytes);

      const res = await importRows(contacts);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(report({ rows: 10_000, created: 10_000 }));
      expect(
        await t.dataSource.query(
          `SELECT count(*)::int AS n, count(DISTINCT msisdn)::int AS phones, count(DISTINCT external_id)::int AS crm,
                  count(*) FILTER (WHERE msisdn_strength = 'claimed' AND bsuid_strength = 'claimed' AND parent_bsuid_strength = 'claimed')::int AS claimed
           FROM contact WHERE portfolio = 'acme'`,
        ),
      ).toEqual([{ n: 10_000, phones: 10_000, crm: 10_000, claimed: 10_000 }]);
      expect((await get(phone(9_999))).body).toEqual(
        imported({ msisdn: phone(9_999), bsuid: contacts[9_999].bsuid, parentBsuid: contacts[9_999].parentBsuid, externalId: 'crm-9999' }),
      );
    }, 300_000);
  });

  describe('access', () => {
    it.each([
      ['the CRM key (read role)', KEYS.crm],
      ["globex's admin key", KEYS.globexAdmin],
      ['a webhook key', KEYS.acmeWebhook],
    ])('answers 403 to %s on acme, and writes nothing', async (_, secret) => {
      const res = await importRows([{ msisdn: PHONE, bsuid: B }], secret);
      expect(res.status).toBe(403);
      expect(res.body).toEqual(noAccess);
      expect(await everything()).toEqual({ contacts: [], history: [], conflicts: [] });
    });

    it('answers 401 without a key', async () => {
      const res = await request(t.http)
        .put('/v1/portfolios/acme/contacts')
        .send({ contacts: [{ msisdn: PHONE }] });
      expect(res.status).toBe(401);
      expect(res.body).toEqual(unauthorized);
      expect(await t.contactsOf('acme')).toEqual([]);
    });

    it("imports into globex with globex's admin key, unseen from acme", async () => {
      const res = await importRows([{ msisdn: PHONE, bsuid: B }], KEYS.globexAdmin, 'globex');
      expect(res.status).toBe(200);
      expect(res.body).toEqual(report({ rows: 1, created: 1 }));
      expect(await t.contactsOf('globex')).toEqual([{ id: expect.any(String), msisdn: PHONE, bsuid: B, parentBsuid: null }]);
      expect(await t.contactsOf('acme')).toEqual([]);
      expect((await get(PHONE)).body).toEqual(notFound);
    });

    it('answers 404 for a portfolio that does not exist', async () => {
      const res = await importRows([{ msisdn: PHONE }], KEYS.admin, 'nosuch');
      expect(res.status).toBe(404);
      expect(res.body).toEqual(notFound);
    });
  });
});
