// Import of CRM rows: new contacts, re-imports, when updatedAt moves, and the CRM's externalId.
import request from 'supertest';
import { api } from '../support/api';
import { B, B2, imported, importedRows, P, PHONE, PHONE2, report } from '../support/contact-import';
import { mo } from '../support/link-builders';
import { resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

type Row = Record<string, unknown>;

describe('PUT /v1/portfolios/:portfolio/contacts (import)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  beforeEach(() => resetWithAcmeAndGlobex(t));
  afterAll(() => t.close());

  const { importContacts: importRows, history } = api(() => t);
  // What was imported is read back as the CRM reads it, with its read key.
  const { get } = api(() => t, KEYS.crm);
  const { stored, everything } = importedRows(() => t);

  describe('new contacts', () => {
    it('creates a contact per row, every link claimed, and answers them by any identifier', async () => {
      const res = await importRows([
        { msisdn: '+46 70-123 45 67', bsuid: B, parentBsuid: P, externalId: 'crm-1' },
        { msisdn: '0709876543' },
        { bsuid: B2 },
      ]);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(report({ rows: 3, created: 3 }));

      expect(await stored()).toEqual(
        expect.arrayContaining([
          {
            id: expect.any(String),
            msisdn: PHONE,
            bsuid: B,
            parent_bsuid: P,
            msisdn_strength: 'claimed',
            bsuid_strength: 'claimed',
            parent_bsuid_strength: 'claimed',
            external_id: 'crm-1',
            merged_into: null,
          },
          {
            id: expect.any(String),
            msisdn: PHONE2,
            bsuid: null,
            parent_bsuid: null,
            msisdn_strength: 'claimed',
            bsuid_strength: null,
            parent_bsuid_strength: null,
            external_id: null,
            merged_into: null,
          },
          {
            id: expect.any(String),
            msisdn: null,
            bsuid: B2,
            parent_bsuid: null,
            msisdn_strength: null,
            bsuid_strength: 'claimed',
            parent_bsuid_strength: null,
            external_id: null,
            merged_into: null,
          },
        ]),
      );
      expect(await stored()).toHaveLength(3);

      const first = await get(PHONE);
      expect(first.status).toBe(200);
      expect(first.body).toEqual(imported({ msisdn: PHONE, bsuid: B, parentBsuid: P, externalId: 'crm-1' }));
      for (const identifier of [B, P, first.body.id]) expect((await get(identifier)).body).toEqual(first.body);
      expect((await get(PHONE2)).body).toEqual(imported({ msisdn: PHONE2 }));
      expect((await get(B2)).body).toEqual(imported({ bsuid: B2 }));
    });

    it('writes history rows whose evidence names the import batch and the admin key', async () => {
      const res = await importRows([{ msisdn: PHONE, bsuid: B }]);
      expect(res.body).toEqual(report({ rows: 1, created: 1 }));
      const contact = (await get(PHONE)).body;
      const evidence = { kind: 'IMPORT', importBatch: res.body.batchId, admin: 'admin' };
      const item = (action: string, field: string | null, to: string | null) => ({
        id: expect.any(String),
        contactId: contact.id,
        action,
        field,
        from: null,
        to,
        otherContactId: null,
        strength: 'claimed',
        evidence,
        eventAt: contact.firstSeenAt,
        recordedAt: expect.any(String),
      });

      const trail = await history(PHONE);
      expect(trail.status).toBe(200);
      expect(trail.body).toEqual({
        contact,
        items: [item('linked', 'msisdn', PHONE), item('linked', 'bsuid', B), item('created', null, null)],
        nextCursor: null,
      });
    });

    it('gives each import its own batch id', async () => {
      const first = await importRows([{ msisdn: PHONE }]);
      const second = await importRows([{ msisdn: PHONE2 }]);
      expect(first.body.batchId).not.toBe(second.body.batchId);
      const batches = await t.dataSource.query(`SELECT DISTINCT evidence->>'importBatch' AS batch FROM link_history`);
      expect(batches).toHaveLength(2);
      expect(batches).toEqual(expect.arrayContaining([{ batch: first.body.batchId }, { batch: second.body.batchId }]));
    });
  });

  describe('re-import', () => {
    const rows: Row[] = [
      { msisdn: PHONE, bsuid: B, externalId: 'crm-1' },
      { msisdn: PHONE2 },
      { bsuid: B2, parentBsuid: P, externalId: 'crm-2' },
    ];

    it('answers every row unchanged the second time, and changes nothing', async () => {
      const first = await importRows(rows);
      expect(first.body).toEqual(report({ rows: 3, created: 3 }));
      const before = await everything();

      const second = await importRows(rows);
      expect(second.status).toBe(200);
      expect(second.body).toEqual(report({ rows: 3, unchanged: 3 }));
      expect(second.body.batchId).not.toBe(first.body.batchId);
      expect(await everything()).toEqual(before);
    });

    it('answers rows unchanged for links an MO already attested', async () => {
      await t.postMo(mo(PHONE, { whatsappUserId: B }, 'known-1', '2026-06-01T10:00:00Z')).expect(200);
      const before = await everything();
      const res = await importRows([{ msisdn: PHONE, bsuid: B }, { bsuid: B }, { msisdn: '0701234567' }]);
      expect(res.body).toEqual(report({ rows: 3, unchanged: 3 }));
      expect(await everything()).toEqual(before);
    });
  });

  describe('updatedAt', () => {
    const updatedAt = async () => t.dataSource.query<{ id: string; updated_at: Date }[]>('SELECT id, updated_at FROM contact ORDER BY id');

    it.each([
      [
        'a re-import of the same rows (all unchanged)',
        () => importRows([{ msisdn: PHONE, bsuid: B, externalId: 'crm-1' }]),
        [{ msisdn: PHONE, bsuid: B, externalId: 'crm-1' }],
      ],
      [
        'rows an MO already attested (unchanged)',
        () => t.postMo(mo(PHONE, { whatsappUserId: B }, 'upd-1', '2026-06-01T10:00:00Z')),
        [{ msisdn: PHONE, bsuid: B }],
      ],
      [
        'a row that clashes (conflict)',
        () => t.postMo(mo(PHONE, { whatsappUserId: B }, 'upd-2', '2026-06-01T10:00:00Z')),
        [{ msisdn: PHONE2, bsuid: B }],
      ],
    ])('is left alone by %s: the import changed nothing of the contact', async (_, seed, rows) => {
      await seed().expect(200);
      const before = await updatedAt();
      expect(before).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const res = await importRows(rows);
      expect(res.body.created + res.body.updated).toBe(0);
      expect(await updatedAt()).toEqual(before);
    });

    it('moves when a row fills a gap', async () => {
      await t.postMo(mo(PHONE, null, 'upd-3', '2026-06-01T10:00:00Z')).expect(200);
      const [before] = await updatedAt();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await importRows([{ msisdn: PHONE, bsuid: B }]).expect(200);
      const [after] = await updatedAt();
      expect(after.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime());
    });
  });

  describe('externalId', () => {
    const search = (externalId: string, secret: string = KEYS.crm, portfolio = 'acme') =>
      request(t.http).get(`/v1/portfolios/${portfolio}/contacts`).query({ externalId }).auth(secret, { type: 'bearer' });

    it('is stored, returned with the contact and searchable', async () => {
      await importRows([
        { msisdn: PHONE, externalId: ' crm-4711 ' },
        { bsuid: B2, externalId: 4712 },
      ]).expect(200);
      const contact = (await get(PHONE)).body;
      expect(contact).toEqual(imported({ msisdn: PHONE, externalId: 'crm-4711' }));
      expect((await get(B2)).body).toEqual(imported({ bsuid: B2, externalId: '4712' }));

      const found = await search('crm-4711');
      expect(found.status).toBe(200);
      expect(found.body).toEqual({ items: [contact], nextCursor: null });
      expect((await search('crm-9999')).body).toEqual({ items: [], nextCursor: null });
      expect((await search('crm-4711', KEYS.globexAdmin, 'globex')).body).toEqual({ items: [], nextCursor: null });
    });

    it('is updated when a row changes only the externalId', async () => {
      await importRows([{ bsuid: B, externalId: 'crm-1' }]).expect(200);
      const historyBefore = await t.dataSource.query('SELECT * FROM link_history ORDER BY id');
      const res = await importRows([{ bsuid: B, externalId: 'crm-2' }]);
      expect(res.body).toEqual(report({ rows: 1, updated: 1 }));
      expect(await stored()).toEqual([expect.objectContaining({ bsuid: B, external_id: 'crm-2' })]);
      expect((await get(B)).body.externalId).toBe('crm-2');
      expect((await search('crm-1')).body).toEqual({ items: [], nextCursor: null });
      expect((await search('crm-2')).body.items).toEqual([expect.objectContaining({ bsuid: B, externalId: 'crm-2' })]);
      expect(await t.dataSource.query('SELECT * FROM link_history ORDER BY id')).toEqual(historyBefore);
    });

    it('is set on a contact known from an MO', async () => {
      const id = (await t.postMo(mo(PHONE, null, 'ext-1', '2026-06-01T10:00:00Z')).expect(200)).body.contactIds[0];
      const res = await importRows([{ msisdn: '0701234567', externalId: 'crm-7' }]);
      expect(res.body).toEqual(report({ rows: 1, updated: 1 }));
      expect((await search('crm-7')).body.items).toEqual([expect.objectContaining({ id, msisdn: PHONE, externalId: 'crm-7' })]);
    });

    it('is kept when a later row leaves it empty', async () => {
      await importRows([{ bsuid: B, externalId: 'crm-1' }]).expect(200);
      const res = await importRows([{ bsuid: B, externalId: '' }, { bsuid: B, externalId: null }, { bsuid: B }]);
      expect(res.body).toEqual(report({ rows: 3, unchanged: 3 }));
      expect((await get(B)).body.externalId).toBe('crm-1');
    });
  });
});
