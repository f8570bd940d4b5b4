// POST …/conflicts/:id/settle (keep or accept, and what it refuses), and who may see or settle a conflict.
import request from 'supertest';
import { HistoryItem } from '../support/api';
import { B, CARD_PHONE, conflictRequests, P, P2, PHONE, PHONE2 } from '../support/conflicts';
import { conflict, noAccess, notFound, unauthorized, validation } from '../support/expected-errors';
import { resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

describe('/v1/portfolios/:portfolio/conflicts', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  beforeEach(() => resetWithAcmeAndGlobex(t));
  afterAll(() => t.close());

  const { requests, settle, mo, forwardedCard, importRows, list, getConflict, contact, openIds, attestedClash, twoContactClash } =
    conflictRequests(() => t);
  const history = async (identifier: string): Promise<HistoryItem[]> => {
    const res = await requests.history(identifier);
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const conflictRows = () =>
    t.dataSource.query(
      `SELECT id::text, contact_id, field, existing_value, claimed_value, other_contact_id, status, settled_by, settled_at IS NOT NULL AS settled
       FROM link_conflict ORDER BY id`,
    );
  const contactRows = () =>
    t.dataSource.query(
      `SELECT id, msisdn, bsuid, parent_bsuid, msisdn_strength, bsuid_strength, parent_bsuid_strength, merged_into
       FROM contact WHERE portfolio = 'acme' ORDER BY first_seen_at, id`,
    );

  describe('POST /v1/portfolios/:portfolio/conflicts/:id/settle', () => {
    it('keep: closes the conflict, leaves the contact as it was, and writes a settled history row', async () => {
      const { contactId, conflictId } = await attestedClash();
      const before = (await getConflict(conflictId)).body;
      const rowsBefore = await t.dataSource.query('SELECT * FROM contact ORDER BY id');

      const res = await settle(conflictId, { resolution: 'keep' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...before, status: 'kept', settledAt: expect.any(String), settledBy: 'admin' });
      expect(await getConflict(conflictId).then((r) => r.body)).toEqual(res.body);

      // Only the log mark changes: an admin's word is never replayed (rule 5).
      expect(await t.dataSource.query('SELECT * FROM contact ORDER BY id')).toEqual(
        rowsBefore.map((row: object) => ({ ...row, has_full_log: false })),
      );
      expect(await conflictRows()).toEqual([
        {
          id: conflictId,
          contact_id: contactId,
          field: 'msisdn',
          existing_value: PHONE,
          claimed_value: PHONE2,
          other_contact_id: null,
          status: 'kept',
          settled_by: 'admin',
          settled: true,
        },
      ]);
      const items = await history(PHONE);
      expect(items[0]).toEqual({
        id: expect.any(String),
        contactId,
        action: 'settled',
        field: 'msisdn',
        from: PHONE,
        to: PHONE,
        otherContactId: null,
        strength: 'attested',
        evidence: { kind: 'ADMIN', admin: 'admin', conflictId, resolution: 'keep' },
        eventAt: res.body.settledAt,
        recordedAt: expect.any(String),
      });
      expect(items[1]).toMatchObject({ action: 'conflict', field: 'msisdn', from: PHONE, to: PHONE2 });
      const missing = await requests.get(PHONE2);
      expect(missing.status).toBe(404);
      expect((await list()).body).toEqual({ items: [], nextCursor: null });
    });

    it('accept: the claimed value replaces the attested one, now attested by the admin', async () => {
      const { contactId, conflictId } = await attestedClash();
      const before = (await getConflict(conflictId)).body;

      const res = await settle(conflictId, { resolution: 'accept' });
      expect(res.status).toBe(200);
      const now = await contact(contactId);
      expect(now).toMatchObject({ id: contactId, msisdn: PHONE2, bsuid: B });
      expect(res.body).toEqual({ ...before, status: 'accepted', settledAt: expect.any(String), settledBy: 'admin', contact: now });

      expect(await contactRows()).toEqual([
        {
          id: contactId,
          msisdn: PHONE2,
          bsuid: B,
          parent_bsuid: null,
          msisdn_strength: 'attested',
          bsuid_strength: 'attested',
          parent_bsuid_strength: null,
          merged_into: null,
        },
      ]);
      const gone = await requests.get(PHONE);
      expect(gone.status).toBe(404);
      const evidence = { kind: 'ADMIN', admin: 'admin', conflictId, resolution: 'accept' };
      const mine = {
        id: expect.any(String),
        contactId,
        strength: 'attested',
        evidence,
        eventAt: res.body.settledAt,
        recordedAt: expect.any(String),
      };
      expect((await history(PHONE2)).slice(0, 3)).toEqual([
        { ...mine, action: 'settled', field: 'msisdn', from: PHONE, to: PHONE2, otherContactId: null },
        { ...mine, action: 'linked', field: 'msisdn', from: null, to: PHONE2, otherContactId: null },
        { ...mine, action: 'unlinked', field: 'msisdn', from: PHONE, to: null, otherContactId: null },
      ]);
      expect(await conflictRows()).toEqual([
        expect.objectContaining({ id: conflictId, status: 'accepted', settled_by: 'admin', settled: true }),
      ]);
    });

    it('accept: the claimed value moves from the contact that held it, and both changes are history', async () => {
      const { phoneOnly, bsuidOnly, conflictId } = await twoContactClash();
      const before = (await getConflict(conflictId)).body;

      const res = await settle(conflictId, { resolution: 'accept' });
      expect(res.status).toBe(200);
      const receiver = await contact(bsuidOnly);
      const loser = await contact(phoneOnly);
      expect(receiver).toMatchObject({ id: bsuidOnly, msisdn: PHONE, bsuid: B, sendTo: PHONE });
      expect(loser).toMatchObject({ id: phoneOnly, msisdn: null, bsuid: null, parentBsuid: null, sendTo: null });
      expect(res.body).toEqual({
        ...before,
        status: 'accepted',
        settledAt: expect.any(String),
        settledBy: 'admin',
        contact: receiver,
        otherContact: loser,
      });
      expect((await contact(PHONE)).id).toBe(bsuidOnly);

      expect(await contactRows()).toEqual([
        {
          id: phoneOnly,
          msisdn: null,
          bsuid: null,
          parent_bsuid: null,
          msisdn_strength: null,
          bsuid_strength: null,
          parent_bsuid_strength: null,
          merged_into: null,
        },
        {
          id: bsuidOnly,
          msisdn: PHONE,
          bsuid: B,
          parent_bsuid: null,
          msisdn_strength: 'attested',
          bsuid_strength: 'attested',
          parent_bsuid_strength: null,
          merged_into: null,
        },
      ]);
      const evidence = { kind: 'ADMIN', admin: 'admin', conflictId, resolution: 'accept' };
      const at = { strength: 'attested', evidence, eventAt: res.body.settledAt, id: expect.any(String), recordedAt: expect.any(String) };
      expect((await history(bsuidOnly)).slice(0, 2)).toEqual([
        { ...at, contactId: bsuidOnly, action: 'settled', field: 'msisdn', from: null, to: PHONE, otherContactId: phoneOnly },
        { ...at, contactId: bsuidOnly, action: 'linked', field: 'msisdn', from: null, to: PHONE, otherContactId: phoneOnly },
      ]);
      expect((await history(phoneOnly))[0]).toEqual({
        ...at,
        contactId: phoneOnly,
        action: 'unlinked',
        field: 'msisdn',
        from: PHONE,
        to: null,
        otherContactId: bsuidOnly,
      });
      expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM link_history WHERE evidence->>'kind' = 'ADMIN'`)).toEqual([{ n: 3 }]);
    });

    it('accept: settles a forwarded card, giving the sender the number', async () => {
      const sender = await forwardedCard();
      const [conflictId] = await openIds();
      const res = await settle(conflictId, { resolution: 'accept' });
      expect(res.status).toBe(200);
      expect(res.body.contact).toMatchObject({ id: sender, msisdn: CARD_PHONE, bsuid: B, parentBsuid: P });
      expect(await contactRows()).toEqual([expect.objectContaining({ id: sender, msisdn: CARD_PHONE, msisdn_strength: 'attested' })]);
    });

    it("settles on the surviving contact when the conflict's contact was merged", async () => {
      const phoneOnly = await mo(PHONE, null, 'sm-1', '2026-06-01T10:00:00Z');
      await mo(B, { whatsappUserId: B, whatsappParentUserId: P }, 'sm-2', '2026-06-01T11:00:00Z');
      await importRows([{ bsuid: B, parentBsuid: P2 }]);
      const [conflictId] = await openIds();
      await mo(PHONE, { whatsappUserId: B }, 'sm-3', '2026-06-01T12:00:00Z');

      const res = await settle(conflictId, { resolution: 'accept' });
      expect(res.status).toBe(200);
      const survivor = await contact(phoneOnly);
      expect(survivor).toMatchObject({ id: phoneOnly, msisdn: PHONE, bsuid: B, parentBsuid: P2 });
      expect(res.body.contact).toEqual(survivor);
      expect(await t.contactsOf('acme')).toEqual([{ id: phoneOnly, msisdn: PHONE, bsuid: B, parentBsuid: P2 }]);
      expect((await history(phoneOnly))[0]).toMatchObject({
        contactId: phoneOnly,
        action: 'settled',
        field: 'parentBsuid',
        from: P,
        to: P2,
      });
    });

    it.each(['keep', 'accept'])('answers 409 112909 when settled again (%s), and changes nothing', async (again) => {
      const { conflictId } = await attestedClash();
      const first = await settle(conflictId, { resolution: 'keep' });
      expect(first.status).toBe(200);
      const contacts = await t.dataSource.query('SELECT * FROM contact ORDER BY id');
      const trail = await t.dataSource.query('SELECT * FROM link_history ORDER BY id');

      const res = await settle(conflictId, { resolution: again });
      expect(res.status).toBe(409);
      expect(res.body).toEqual(conflict);
      expect((await getConflict(conflictId)).body).toEqual(first.body);
      expect(await t.dataSource.query('SELECT * FROM contact ORDER BY id')).toEqual(contacts);
      expect(await t.dataSource.query('SELECT * FROM link_history ORDER BY id')).toEqual(trail);
    });

    it.each([
      ['an unknown id', '999999'],
      ['an id that is not a number', 'abc'],
      ['a negative id', '-1'],
      ['an id too long for a bigint', '99999999999999999999'],
    ])('answers 404 112904 for %s, to GET and to settle', async (_, id) => {
      await attestedClash();
      const one = await getConflict(id);
      expect(one.status).toBe(404);
      expect(one.body).toEqual(notFound);
      const settled = await settle(id, { resolution: 'keep' });
      expect(settled.status).toBe(404);
      expect(settled.body).toEqual(notFound);
    });

    it.each([
      ['an unknown resolution', { resolution: 'maybe' }],
      ['no resolution', {}],
      ['a resolution in the wrong case', { resolution: 'KEEP' }],
    ])('answers 400 112506 for %s, and leaves the conflict open', async (_, body) => {
      const { conflictId } = await attestedClash();
      const res = await settle(conflictId, body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(validation('resolution'));
      expect(await conflictRows()).toEqual([expect.objectContaining({ id: conflictId, status: 'open', settled_by: null, settled: false })]);
    });
  });

  describe('access', () => {
    it("keeps acme's conflicts from globex's admin key, whose own list is empty", async () => {
      const { conflictId } = await attestedClash();
      for (const res of [
        await list('', KEYS.globexAdmin),
        await getConflict(conflictId, KEYS.globexAdmin),
        await settle(conflictId, { resolution: 'accept' }, KEYS.globexAdmin),
      ]) {
        expect(res.status).toBe(403);
        expect(res.body).toEqual(noAccess);
      }
      const own = await list('', KEYS.globexAdmin, 'globex');
      expect(own.status).toBe(200);
      expect(own.body).toEqual({ items: [], nextCursor: null });
      for (const status of ['kept', 'accepted'])
        expect((await list(`?status=${status}`, KEYS.globexAdmin, 'globex')).body).toEqual({ items: [], nextCursor: null });

      // Through its own portfolio's path, acme's conflict id names nothing.
      const viaGlobex = await getConflict(conflictId, KEYS.globexAdmin, 'globex');
      expect(viaGlobex.status).toBe(404);
      expect(viaGlobex.body).toEqual(notFound);
      const settleViaGlobex = await settle(conflictId, { resolution: 'accept' }, KEYS.globexAdmin, 'globex');
      expect(settleViaGlobex.status).toBe(404);
      expect(settleViaGlobex.body).toEqual(notFound);
      expect((await getConflict(conflictId, KEYS.admin, 'globex')).status).toBe(404);

      expect(await conflictRows()).toEqual([expect.objectContaining({ id: conflictId, status: 'open' })]);
      expect((await contact(PHONE)).msisdn).toBe(PHONE);
    });

    it('answers 403 to the CRM key (read role) on every conflict route', async () => {
      const { conflictId } = await attestedClash();
      for (const res of [
        await list('', KEYS.crm),
        await getConflict(conflictId, KEYS.crm),
        await settle(conflictId, { resolution: 'keep' }, KEYS.crm),
      ]) {
        expect(res.status).toBe(403);
        expect(res.body).toEqual(noAccess);
      }
      expect(await conflictRows()).toEqual([expect.objectContaining({ id: conflictId, status: 'open' })]);
    });

    it('answers 401 without a key', async () => {
      const res = await request(t.http).get('/v1/portfolios/acme/conflicts');
      expect(res.status).toBe(401);
      expect(res.body).toEqual(unauthorized);
    });
  });
});
