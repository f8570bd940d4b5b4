import request from 'supertest';
import { api } from '../support/api';
import { noAccess, notFound, unauthorized, validationIncluding } from '../support/expected-errors';
import { mo } from '../support/link-builders';
import { resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

const PHONE = '+46701234567';
const PHONE2 = '+46709876543';
const B = 'SE.13491208655302741918';
const B2 = 'SE.24681357924681357924';
const P = 'SE.ENT.11815799212886844830';

type Row = Record<string, unknown>;

interface StoredContact {
  id: string;
  msisdn: string | null;
  bsuid: string | null;
  parent_bsuid: string | null;
  msisdn_strength: string | null;
  bsuid_strength: string | null;
  parent_bsuid_strength: string | null;
  external_id: string | null;
  merged_into: string | null;
}

/** A report with nothing in it: each test names the counts it expects. */
const report = (counts: Partial<Record<'rows' | 'created' | 'updated' | 'unchanged' | 'conflicts' | 'invalid', number>>, problems: unknown[] = []) => ({
  batchId: expect.any(String),
  rows: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  conflicts: 0,
  invalid: 0,
  ...counts,
  problems,
});

describe('PUT /v1/portfolios/:portfolio/contacts (import)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  beforeEach(() => resetWithAcmeAndGlobex(t));
  afterAll(() => t.close());

  const { importContacts: importRows, history, settle } = api(() => t);
  // What was imported is read back as the CRM reads it, with its read key.
  const { get } = api(() => t, KEYS.crm);
  const stored = (): Promise<StoredContact[]> =>
    t.dataSource.query(
      `SELECT id, msisdn, bsuid, parent_bsuid, msisdn_strength, bsuid_strength, parent_bsuid_strength, external_id, merged_into
       FROM contact WHERE portfolio = 'acme' ORDER BY first_seen_at, id`,
    );
  /** Every column of every contact but updated_at, which has a test of its own (see "updatedAt"). */
  const contactRows = async (): Promise<Record<string, unknown>[]> =>
    (await t.dataSource.query('SELECT * FROM contact ORDER BY id')).map(({ updated_at: _, ...row }: Record<string, unknown>) => row);
  const everything = async () => ({
    contacts: await contactRows(),
    history: await t.dataSource.query('SELECT * FROM link_history ORDER BY id'),
    conflicts: await t.dataSource.query('SELECT * FROM link_conflict ORDER BY id'),
  });
  /** The whole view of a contact known only from an import: no activity, so no windows. */
  const imported = (fields: Partial<Record<'id' | 'msisdn' | 'bsuid' | 'parentBsuid' | 'externalId', string | null>>) => {
    const view = { msisdn: null, bsuid: null, parentBsuid: null, externalId: null, ...fields };
    const kind = view.msisdn ? 'msisdn' : view.bsuid ? 'bsuid' : 'parentBsuid';
    return {
      id: expect.any(String),
      portfolio: 'acme',
      ...view,
      status: 'active',
      firstSeenAt: expect.any(String),
      updatedAt: expect.any(String),
      lastInboundAt: null,
      lastOutboundAt: null,
      careWindowOpenUntil: null,
      phoneVisibleUntil: null,
      sendTo: view[kind],
      sendToKind: kind,
      sendToReason: expect.any(String),
    };
  };

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

  describe('contacts known from webhooks', () => {
    it.each([
      ['a phone-only contact gets the BSUID', mo(PHONE, null, 'gap-1', '2026-06-01T10:00:00Z'), { msisdn: 'attested', bsuid: 'claimed' }],
      ['a BSUID-only contact gets the phone', mo(B, { whatsappUserId: B }, 'gap-2', '2026-06-01T10:00:00Z'), { msisdn: 'claimed', bsuid: 'attested' }],
    ])('fills a gap: %s', async (_, webhook, strengths) => {
      const id = (await t.postMo(webhook).expect(200)).body.contactIds[0];
      const res = await importRows([{ msisdn: PHONE, bsuid: B }]);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(report({ rows: 1, updated: 1 }));

      expect(await stored()).toEqual([
        {
          id,
          msisdn: PHONE,
          bsuid: B,
          parent_bsuid: null,
          msisdn_strength: strengths.msisdn,
          bsuid_strength: strengths.bsuid,
          parent_bsuid_strength: null,
          external_id: null,
          merged_into: null,
        },
      ]);
      const byPhone = await get(PHONE);
      expect(byPhone.body).toMatchObject({ id, msisdn: PHONE, bsuid: B, lastInboundAt: '2026-06-01T10:00:00.000Z' });
      expect((await get(B)).body).toEqual(byPhone.body);
    });

    it('upgrades a claimed link to attested when an MO shows it (a confirmed history row each)', async () => {
      const batch = (await importRows([{ msisdn: PHONE, bsuid: B, parentBsuid: P }])).body.batchId;
      const id = (await get(PHONE)).body.id;
      const res = await t.postMo(mo(PHONE, { whatsappUserId: B, whatsappParentUserId: P }, 'confirm-1', '2026-06-01T10:00:00Z'));
      expect(res.body).toEqual({ status: 'applied', portfolio: 'acme', contactIds: [id] });

      expect(await stored()).toEqual([
        {
          id,
          msisdn: PHONE,
          bsuid: B,
          parent_bsuid: P,
          msisdn_strength: 'attested',
          bsuid_strength: 'attested',
          parent_bsuid_strength: 'attested',
          external_id: null,
          merged_into: null,
        },
      ]);
      const items = (await history(PHONE)).body.items;
      const mine = { contactId: id, otherContactId: null, strength: 'attested', eventAt: '2026-06-01T10:00:00.000Z' };
      const evidence = { kind: 'MO', messageId: 'confirm-1', businessNumber: '+46000000000' };
      expect(items.slice(0, 3)).toEqual([
        { id: expect.any(String), ...mine, action: 'confirmed', field: 'msisdn', from: PHONE, to: PHONE, evidence, recordedAt: expect.any(String) },
        { id: expect.any(String), ...mine, action: 'confirmed', field: 'parentBsuid', from: P, to: P, evidence, recordedAt: expect.any(String) },
        { id: expect.any(String), ...mine, action: 'confirmed', field: 'bsuid', from: B, to: B, evidence, recordedAt: expect.any(String) },
      ]);
      expect(items.slice(3).map((item: { action: string; evidence: { importBatch?: string } }) => [item.action, item.evidence.importBatch])).toEqual([
        ['linked', batch],
        ['linked', batch],
        ['linked', batch],
        ['created', batch],
      ]);
    });

    it('lets an attested MO replace a claimed BSUID (a BSUID Meta pairs with the phone)', async () => {
      await importRows([{ msisdn: PHONE, bsuid: B }]).expect(200);
      const id = (await get(PHONE)).body.id;
      await t.postMo(mo(PHONE, { whatsappUserId: B2 }, 'replace-1', '2026-06-01T10:00:00Z')).expect(200);

      expect(await stored()).toEqual([
        {
          id,
          msisdn: PHONE,
          bsuid: B2,
          parent_bsuid: null,
          msisdn_strength: 'attested',
          bsuid_strength: 'attested',
          parent_bsuid_strength: null,
          external_id: null,
          merged_into: null,
        },
      ]);
      expect((await get(B)).status).toBe(404);
      expect((await get(B2)).body).toMatchObject({ id, msisdn: PHONE, bsuid: B2 });
      const items = (await history(PHONE)).body.items;
      expect(items.slice(0, 3).map((item: { action: string; field: string; from: string; to: string }) => [item.action, item.field, item.from, item.to])).toEqual([
        ['confirmed', 'msisdn', PHONE, PHONE],
        ['linked', 'bsuid', null, B2],
        ['unlinked', 'bsuid', B, null],
      ]);
      expect(await t.dataSource.query('SELECT count(*)::int AS n FROM link_conflict')).toEqual([{ n: 0 }]);
    });

    it("lets an attested MO replace a claimed phone (the BSUID's phone as Meta sends it)", async () => {
      await importRows([{ msisdn: PHONE, bsuid: B }]).expect(200);
      const id = (await get(B)).body.id;
      await t.postMo(mo(PHONE2, { whatsappUserId: B }, 'replace-2', '2026-06-01T10:00:00Z')).expect(200);

      expect(await stored()).toEqual([
        expect.objectContaining({ id, msisdn: PHONE2, bsuid: B, msisdn_strength: 'attested', bsuid_strength: 'attested' }),
      ]);
      expect((await get(PHONE)).status).toBe(404);
      expect(await t.dataSource.query('SELECT count(*)::int AS n FROM link_conflict')).toEqual([{ n: 0 }]);
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
    const updatedAt = async () => (await t.dataSource.query('SELECT id, updated_at FROM contact ORDER BY id')) as { id: string; updated_at: Date }[];

    it.each([
      ['a re-import of the same rows (all unchanged)', () => importRows([{ msisdn: PHONE, bsuid: B, externalId: 'crm-1' }]), [{ msisdn: PHONE, bsuid: B, externalId: 'crm-1' }]],
      ['rows an MO already attested (unchanged)', () => t.postMo(mo(PHONE, { whatsappUserId: B }, 'upd-1', '2026-06-01T10:00:00Z')), [{ msisdn: PHONE, bsuid: B }]],
      ['a row that clashes (conflict)', () => t.postMo(mo(PHONE, { whatsappUserId: B }, 'upd-2', '2026-06-01T10:00:00Z')), [{ msisdn: PHONE2, bsuid: B }]],
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
      await importRows([{ msisdn: PHONE, externalId: ' crm-4711 ' }, { bsuid: B2, externalId: 4712 }]).expect(200);
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

  describe('clashes with attested links', () => {
    it('keeps a claim pairing an attested BSUID with another phone as a conflict: nothing moves', async () => {
      const id = (await t.postMo(mo(PHONE, { whatsappUserId: B }, 'clash-1', '2026-06-01T10:00:00Z')).expect(200)).body.contactIds[0];
      const contactBefore = (await get(PHONE)).body;
      const rowsBefore = await contactRows();

      const res = await importRows([{ msisdn: PHONE2, bsuid: B }]);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(
        report({ rows: 1, conflicts: 1 }, [{ row: 1, outcome: 'conflict', field: 'msisdn', reason: expect.stringContaining('attested'), contactId: id }]),
      );
      expect(res.body.problems[0].reason).not.toContain(PHONE);
      expect(res.body.problems[0].reason).not.toContain(PHONE2);

      expect(await contactRows()).toEqual(rowsBefore);
      const unchanged = { ...contactBefore, updatedAt: expect.any(String) };
      expect((await get(PHONE)).body).toEqual(unchanged);
      expect((await get(B)).body).toEqual(unchanged);
      expect((await get(PHONE2)).status).toBe(404);
      expect(await t.dataSource.query('SELECT contact_id, field, existing_value, claimed_value, other_contact_id, strength, status, evidence FROM link_conflict')).toEqual([
        {
          contact_id: id,
          field: 'msisdn',
          existing_value: PHONE,
          claimed_value: PHONE2,
          other_contact_id: null,
          strength: 'claimed',
          status: 'open',
          evidence: { kind: 'IMPORT', importBatch: res.body.batchId, admin: 'admin' },
        },
      ]);
      const latest = (await history(PHONE)).body.items[0];
      expect(latest).toMatchObject({ contactId: id, action: 'conflict', field: 'msisdn', from: PHONE, to: PHONE2, strength: 'claimed' });
    });

    it('opens one conflict for a clash imported again and again (a nightly sync), and a new one once it is settled', async () => {
      await t.postMo(mo(PHONE, { whatsappUserId: B }, 'again-1', '2026-06-01T10:00:00Z')).expect(200);
      const rows = [{ msisdn: PHONE2, bsuid: B }, { msisdn: PHONE2, bsuid: B }];
      for (let night = 0; night < 3; night++) {
        expect((await importRows(rows)).body).toMatchObject({ rows: 2, conflicts: 2 });
      }
      const open = await t.dataSource.query(`SELECT id FROM link_conflict WHERE status = 'open'`);
      expect(open).toHaveLength(1);

      const settled = await settle(open[0].id, { resolution: 'keep' });
      expect(settled.status).toBe(200);
      await importRows(rows).expect(200);
      expect(await t.dataSource.query(`SELECT status FROM link_conflict ORDER BY id`)).toEqual([{ status: 'kept' }, { status: 'open' }]);
    });

    it('keeps a claim whose phone belongs to another contact as a conflict naming that contact: nothing merges', async () => {
      const phoneOnly = (await t.postMo(mo(PHONE, null, 'two-1', '2026-06-01T10:00:00Z')).expect(200)).body.contactIds[0];
      const bsuidOnly = (await t.postMo(mo(B, { whatsappUserId: B }, 'two-2', '2026-06-01T11:00:00Z')).expect(200)).body.contactIds[0];
      const rowsBefore = await contactRows();

      const res = await importRows([{ msisdn: PHONE, bsuid: B }]);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(
        report({ rows: 1, conflicts: 1 }, [{ row: 1, outcome: 'conflict', field: 'msisdn', reason: expect.stringContaining(phoneOnly), contactId: bsuidOnly }]),
      );
      expect(res.body.problems[0].reason).not.toContain(PHONE);

      expect(await contactRows()).toEqual(rowsBefore);
      expect(await t.contactsOf('acme')).toEqual([
        { id: phoneOnly, msisdn: PHONE, bsuid: null, parentBsuid: null },
        { id: bsuidOnly, msisdn: null, bsuid: B, parentBsuid: null },
      ]);
      expect((await get(PHONE)).body.id).toBe(phoneOnly);
      expect((await get(B)).body.id).toBe(bsuidOnly);
      expect(await t.dataSource.query('SELECT contact_id, field, existing_value, claimed_value, other_contact_id FROM link_conflict')).toEqual([
        { contact_id: bsuidOnly, field: 'msisdn', existing_value: null, claimed_value: PHONE, other_contact_id: phoneOnly },
      ]);
    });

    it('applies the rows around a conflict and counts each outcome', async () => {
      const id = (await t.postMo(mo(PHONE, { whatsappUserId: B }, 'mix-1', '2026-06-01T10:00:00Z')).expect(200)).body.contactIds[0];
      const res = await importRows([{ bsuid: B2 }, { msisdn: PHONE2, bsuid: B }, { msisdn: PHONE, bsuid: B }, { msisdn: PHONE, externalId: 'crm-1' }]);
      expect(res.body).toEqual(
        report({ rows: 4, created: 1, conflicts: 1, unchanged: 1, updated: 1 }, [
          { row: 2, outcome: 'conflict', field: 'msisdn', reason: expect.any(String), contactId: id },
        ]),
      );
      expect(await t.contactsOf('acme')).toEqual([
        { id, msisdn: PHONE, bsuid: B, parentBsuid: null },
        { id: expect.any(String), msisdn: null, bsuid: B2, parentBsuid: null },
      ]);
    });
  });

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
      const invalid = (row: number, field: string, reason: string) => ({ row, outcome: 'invalid', field, reason: expect.stringContaining(reason) });
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
      const res = await importRows([{ bsuid: B, externalId: 'crm\u00001' }, { msisdn: PHONE2, externalId: 'crm-2' }]);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(
        report({ rows: 2, created: 1, invalid: 1 }, [{ row: 1, outcome: 'invalid', field: 'externalId', reason: 'must not hold control characters' }]),
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
        report({ rows: 1, invalid: 1 }, [{ row: 1, outcome: 'invalid', field: 'msisdn', reason: 'the row has no msisdn, bsuid or parentBsuid' }]),
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
      const res = await request(t.http).put('/v1/portfolios/acme/contacts').auth(KEYS.admin, { type: 'bearer' }).send({ rows: [{ msisdn: PHONE }] });
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
      const res = await request(t.http).put('/v1/portfolios/acme/contacts').send({ contacts: [{ msisdn: PHONE }] });
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
