// Import onto contacts the webhooks know: gaps filled, claims confirmed or replaced, clashes kept as conflicts.
import { api } from '../support/api';
import { B, B2, importedRows, P, PHONE, PHONE2, report } from '../support/contact-import';
import { mo } from '../support/link-builders';
import { resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

describe('PUT /v1/portfolios/:portfolio/contacts (import)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  beforeEach(() => resetWithAcmeAndGlobex(t));
  afterAll(() => t.close());

  const { importContacts: importRows, history, settle } = api(() => t);
  // What was imported is read back as the CRM reads it, with its read key.
  const { get } = api(() => t, KEYS.crm);
  const { stored, contactRows } = importedRows(() => t);

  describe('contacts known from webhooks', () => {
    it.each([
      ['a phone-only contact gets the BSUID', mo(PHONE, null, 'gap-1', '2026-06-01T10:00:00Z'), { msisdn: 'attested', bsuid: 'claimed' }],
      [
        'a BSUID-only contact gets the phone',
        mo(B, { whatsappUserId: B }, 'gap-2', '2026-06-01T10:00:00Z'),
        { msisdn: 'claimed', bsuid: 'attested' },
      ],
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
        {
          id: expect.any(String),
          ...mine,
          action: 'confirmed',
          field: 'msisdn',
          from: PHONE,
          to: PHONE,
          evidence,
          recordedAt: expect.any(String),
        },
        {
          id: expect.any(String),
          ...mine,
          action: 'confirmed',
          field: 'parentBsuid',
          from: P,
          to: P,
          evidence,
          recordedAt: expect.any(String),
        },
        { id: expect.any(String), ...mine, action: 'confirmed', field: 'bsuid', from: B, to: B, evidence, recordedAt: expect.any(String) },
      ]);
      expect(
        items.slice(3).map((item: { action: string; evidence: { importBatch?: string } }) => [item.action, item.evidence.importBatch]),
      ).toEqual([
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
      expect(
        items
          .slice(0, 3)
          .map((item: { action: string; field: string; from: string; to: string }) => [item.action, item.field, item.from, item.to]),
      ).toEqual([
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

  describe('clashes with attested links', () => {
    it('keeps a claim pairing an attested BSUID with another phone as a conflict: nothing moves', async () => {
      const id = (await t.postMo(mo(PHONE, { whatsappUserId: B }, 'clash-1', '2026-06-01T10:00:00Z')).expect(200)).body.contactIds[0];
      const contactBefore = (await get(PHONE)).body;
      const rowsBefore = await contactRows();

      const res = await importRows([{ msisdn: PHONE2, bsuid: B }]);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(
        report({ rows: 1, conflicts: 1 }, [
          { row: 1, outcome: 'conflict', field: 'msisdn', reason: expect.stringContaining('attested'), contactId: id },
        ]),
      );
      expect(res.body.problems[0].reason).not.toContain(PHONE);
      expect(res.body.problems[0].reason).not.toContain(PHONE2);

      expect(await contactRows()).toEqual(rowsBefore);
      const unchanged = { ...contactBefore, updatedAt: expect.any(String) };
      expect((await get(PHONE)).body).toEqual(unchanged);
      expect((await get(B)).body).toEqual(unchanged);
      expect((await get(PHONE2)).status).toBe(404);
      expect(
        await t.dataSource.query(
          'SELECT contact_id, field, existing_value, claimed_value, other_contact_id, strength, status, evidence FROM link_conflict',
        ),
      ).toEqual([
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
      const rows = [
        { msisdn: PHONE2, bsuid: B },
        { msisdn: PHONE2, bsuid: B },
      ];
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
        report({ rows: 1, conflicts: 1 }, [
          { row: 1, outcome: 'conflict', field: 'msisdn', reason: expect.stringContaining(phoneOnly), contactId: bsuidOnly },
        ]),
      );
      expect(res.body.problems[0].reason).not.toContain(PHONE);

      expect(await contactRows()).toEqual(rowsBefore);
      expect(await t.contactsOf('acme')).toEqual([
        { id: phoneOnly, msisdn: PHONE, bsuid: null, parentBsuid: null },
        { id: bsuidOnly, msisdn: null, bsuid: B, parentBsuid: null },
      ]);
      expect((await get(PHONE)).body.id).toBe(phoneOnly);
      expect((await get(B)).body.id).toBe(bsuidOnly);
      expect(
        await t.dataSource.query('SELECT contact_id, field, existing_value, claimed_value, other_contact_id FROM link_conflict'),
      ).toEqual([{ contact_id: bsuidOnly, field: 'msisdn', existing_value: null, claimed_value: PHONE, other_contact_id: phoneOnly }]);
    });

    it('applies the rows around a conflict and counts each outcome', async () => {
      const id = (await t.postMo(mo(PHONE, { whatsappUserId: B }, 'mix-1', '2026-06-01T10:00:00Z')).expect(200)).body.contactIds[0];
      const res = await importRows([
        { bsuid: B2 },
        { msisdn: PHONE2, bsuid: B },
        { msisdn: PHONE, bsuid: B },
        { msisdn: PHONE, externalId: 'crm-1' },
      ]);
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
});
