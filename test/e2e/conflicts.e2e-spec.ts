import request from 'supertest';
import { api, HistoryItem } from '../support/api';
import { conflict, noAccess, notFound, unauthorized, validation, validationIncluding } from '../support/expected-errors';
import { mo as moBody } from '../support/link-builders';
import { resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, fixture, KEYS, TestApp } from '../support/test-app';

const PHONE = '+46701234567';
const PHONE2 = '+46709876543';
const PHONE3 = '+46705555555';
const CARD_PHONE = '+46707654321'; // the number on test/fixtures/link/mo-contacts-forwarded-card.json
const B = 'SE.13491208655302741918';
const P = 'SE.ENT.11815799212886844830';
const P2 = 'SE.ENT.22222222222222222222';

interface ConflictItem {
  id: string;
  claimedValue: string;
  status: string;
}

describe('/v1/portfolios/:portfolio/conflicts', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  beforeEach(() => resetWithAcmeAndGlobex(t));
  afterAll(() => t.close());

  const requests = api(() => t);
  const { settle } = requests;
  /** An MO to acme's business number; answers the id of the contact it was about. */
  const mo = async (source: string, parameters: Record<string, string> | null, messageId: string, timestamp: string): Promise<string> => {
    const res = await t.postMo(moBody(source, parameters, messageId, timestamp));
    expect(res.status).toBe(200);
    return res.body.contactIds[0];
  };
  /** The fixture's forwarded contact card (origin "other"), sent by B to acme. */
  const forwardedCard = async (): Promise<string> => {
    const res = await t.postMo({ ...fixture('mo-contacts-forwarded-card'), destination: '+46000000000' });
    expect(res.body).toEqual({ status: 'applied', portfolio: 'acme', contactIds: [expect.any(String)] });
    return res.body.contactIds[0];
  };
  const importRows = async (contacts: Record<string, string>[]): Promise<string> => {
    const res = await requests.importContacts(contacts);
    expect(res.status).toBe(200);
    return res.body.batchId;
  };
  const list = (query = '', secret: string = KEYS.admin, portfolio = 'acme') =>
    request(t.http).get(`/v1/portfolios/${portfolio}/conflicts${query}`).auth(secret, { type: 'bearer' });
  const getConflict = (id: string, secret: string = KEYS.admin, portfolio = 'acme') =>
    request(t.http).get(`/v1/portfolios/${portfolio}/conflicts/${id}`).auth(secret, { type: 'bearer' });
  /** The contact as GET answers it now (its view is what a conflict shows). */
  const contact = async (identifier: string) => {
    const res = await requests.get(identifier);
    expect(res.status).toBe(200);
    return res.body;
  };
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
  const openIds = async (): Promise<string[]> => (await list()).body.items.map((item: ConflictItem) => item.id);

  /** An MO attests PHONE with B; a CRM then claims PHONE2 for B: a conflict on that contact, no other contact. */
  async function attestedClash(): Promise<{ contactId: string; batch: string; conflictId: string }> {
    const contactId = await mo(PHONE, { whatsappUserId: B }, 'clash-1', '2026-06-01T10:00:00Z');
    const batch = await importRows([{ msisdn: PHONE2, bsuid: B }]);
    const [conflictId] = await openIds();
    return { contactId, batch, conflictId };
  }

  /** PHONE and B are two contacts (learned apart); a CRM claims they are one: a conflict on B's, naming PHONE's. */
  async function twoContactClash(): Promise<{ phoneOnly: string; bsuidOnly: string; batch: string; conflictId: string }> {
    const phoneOnly = await mo(PHONE, null, 'two-1', '2026-06-01T10:00:00Z');
    const bsuidOnly = await mo(B, { whatsappUserId: B }, 'two-2', '2026-06-01T11:00:00Z');
    const batch = await importRows([{ msisdn: PHONE, bsuid: B }]);
    const [conflictId] = await openIds();
    return { phoneOnly, bsuidOnly, batch, conflictId };
  }

  describe('GET /v1/portfolios/:portfolio/conflicts', () => {
    it('lists an import clash with both contacts as they are now', async () => {
      const { phoneOnly, bsuidOnly, batch } = await twoContactClash();
      const res = await list();
      expect(res.status).toBe(200);
      const item = {
        id: expect.stringMatching(/^[0-9]+$/),
        status: 'open',
        field: 'msisdn',
        existingValue: null,
        claimedValue: PHONE,
        strength: 'claimed',
        evidence: { kind: 'IMPORT', importBatch: batch, admin: 'admin' },
        eventAt: expect.any(String),
        createdAt: expect.any(String),
        settledAt: null,
        settledBy: null,
        contact: await contact(bsuidOnly),
        otherContact: await contact(phoneOnly),
      };
      expect(res.body).toEqual({ items: [item], nextCursor: null });
      expect(res.body.items[0].contact).toMatchObject({ id: bsuidOnly, msisdn: null, bsuid: B });
      expect(res.body.items[0].otherContact).toMatchObject({ id: phoneOnly, msisdn: PHONE, bsuid: null });

      const one = await getConflict(res.body.items[0].id);
      expect(one.status).toBe(200);
      expect(one.body).toEqual(res.body.items[0]);
    });

    it('lists a claim that contradicts an attested link, with what the contact has', async () => {
      const { contactId, batch, conflictId } = await attestedClash();
      const res = await getConflict(conflictId);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        id: conflictId,
        status: 'open',
        field: 'msisdn',
        existingValue: PHONE,
        claimedValue: PHONE2,
        strength: 'claimed',
        evidence: { kind: 'IMPORT', importBatch: batch, admin: 'admin' },
        eventAt: expect.any(String),
        createdAt: expect.any(String),
        settledAt: null,
        settledBy: null,
        contact: await contact(contactId),
        otherContact: null,
      });
      expect(res.body.contact).toMatchObject({ msisdn: PHONE, bsuid: B });
    });

    it('lists a forwarded contact card as a conflict: the number may be someone else\'s', async () => {
      const sender = await forwardedCard();
      const res = await list();
      expect(res.body).toEqual({
        items: [
          {
            id: expect.any(String),
            status: 'open',
            field: 'msisdn',
            existingValue: null,
            claimedValue: CARD_PHONE,
            strength: 'claimed',
            evidence: { kind: 'CONTACT_CARD', messageId: '9cQ2FwdContactCard0002', businessNumber: '+46000000000' },
            eventAt: '2020-03-21T17:41:58.000Z',
            createdAt: expect.any(String),
            settledAt: null,
            settledBy: null,
            contact: await contact(sender),
            otherContact: null,
          },
        ],
        nextCursor: null,
      });
      expect(res.body.items[0].contact).toMatchObject({ id: sender, msisdn: null, bsuid: B, parentBsuid: P });
    });

    it('lists a forwarded card naming a known phone with the contact that holds it', async () => {
      const holder = await mo(CARD_PHONE, { whatsappUserId: 'SE.1111' }, 'card-0', '2020-03-21T10:00:00Z');
      const sender = await forwardedCard();
      expect(sender).not.toBe(holder);
      const res = await list();
      expect(res.body).toEqual({
        items: [
          expect.objectContaining({
            status: 'open',
            field: 'msisdn',
            existingValue: null,
            claimedValue: CARD_PHONE,
            strength: 'claimed',
            evidence: { kind: 'CONTACT_CARD', messageId: '9cQ2FwdContactCard0002', businessNumber: '+46000000000' },
            contact: await contact(sender),
            otherContact: await contact(holder),
          }),
        ],
        nextCursor: null,
      });
      expect(await t.contactsOf('acme')).toEqual([
        { id: holder, msisdn: CARD_PHONE, bsuid: 'SE.1111', parentBsuid: null },
        { id: sender, msisdn: null, bsuid: B, parentBsuid: P },
      ]);
    });

    it('pages newest first with limit and nextCursor, each conflict once', async () => {
      await mo(PHONE, { whatsappUserId: B }, 'page-0', '2026-06-01T10:00:00Z');
      const claimed = [1, 2, 3, 4, 5].map((index) => `+4670900000${index}`);
      for (const phone of claimed) await importRows([{ msisdn: phone, bsuid: B }]);

      const all = await list('?limit=500');
      expect(all.body.nextCursor).toBeNull();
      expect(all.body.items.map((item: ConflictItem) => item.claimedValue)).toEqual([...claimed].reverse());
      const ids = all.body.items.map((item: ConflictItem) => BigInt(item.id));
      ids.slice(1).forEach((id: bigint, index: number) => expect(id < ids[index]).toBe(true));

      for (const limit of [1, 2, 4, 5]) {
        const pages: ConflictItem[][] = [];
        let cursor: string | null = null;
        do {
          const res = await list(`?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
          expect(res.status).toBe(200);
          pages.push(res.body.items);
          cursor = res.body.nextCursor;
          if (cursor !== null) expect(cursor).toBe(res.body.items[res.body.items.length - 1].id);
        } while (cursor !== null && pages.length < 10);
        expect(pages.map((page) => page.length)).toEqual(limit === 5 ? [5] : limit === 4 ? [4, 1] : limit === 2 ? [2, 2, 1] : [1, 1, 1, 1, 1]);
        expect(pages.flat()).toEqual(all.body.items);
      }
    });

    it('filters by status, open by default', async () => {
      const contactId = await mo(PHONE, { whatsappUserId: B }, 'status-0', '2026-06-01T10:00:00Z');
      await importRows([{ msisdn: PHONE2, bsuid: B }]);
      await importRows([{ msisdn: PHONE3, bsuid: B }]);
      await importRows([{ msisdn: '+46706666666', bsuid: B }]);
      const [third, second, first] = await openIds();
      await settle(first, { resolution: 'keep' }).expect(200);
      await settle(second, { resolution: 'accept' }).expect(200);

      const byStatus = async (query: string) => (await list(query)).body.items.map((item: ConflictItem) => [item.id, item.status]);
      expect(await byStatus('')).toEqual([[third, 'open']]);
      expect(await byStatus('?status=open')).toEqual([[third, 'open']]);
      expect(await byStatus('?status=kept')).toEqual([[first, 'kept']]);
      expect(await byStatus('?status=accepted')).toEqual([[second, 'accepted']]);
      expect((await contact(contactId)).msisdn).toBe(PHONE3);
    });

    it.each([
      ['status=closed', 'status'],
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['cursor=abc', 'cursor'],
    ])('answers 400 112506 for %s', async (query, field) => {
      const res = await list(`?${query}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(validationIncluding(field));
    });

    it('shows the surviving contact of a conflict whose contact was later merged', async () => {
      const phoneOnly = await mo(PHONE, null, 'merge-1', '2026-06-01T10:00:00Z');
      const bsuidOnly = await mo(B, { whatsappUserId: B, whatsappParentUserId: P }, 'merge-2', '2026-06-01T11:00:00Z');
      await importRows([{ bsuid: B, parentBsuid: P2 }]);
      const [conflictId] = await openIds();
      expect((await getConflict(conflictId)).body.contact).toMatchObject({ id: bsuidOnly, parentBsuid: P });

      await mo(PHONE, { whatsappUserId: B }, 'merge-3', '2026-06-01T12:00:00Z'); // Meta pairs them: the younger folds into the older
      expect(await t.contactsOf('acme')).toEqual([{ id: phoneOnly, msisdn: PHONE, bsuid: B, parentBsuid: P }]);

      const survivor = await contact(phoneOnly);
      const res = await getConflict(conflictId);
      expect(res.body).toEqual(
        expect.objectContaining({ id: conflictId, field: 'parentBsuid', existingValue: P, claimedValue: P2, contact: survivor, otherContact: null }),
      );
      expect((await list()).body.items).toEqual([res.body]);
    });
  });

  describe('POST /v1/portfolios/:portfolio/conflicts/:id/settle', () => {
    it('keep: closes the conflict, leaves the contact as it was, and writes a settled history row', async () => {
      const { contactId, conflictId } = await attestedClash();
      const before = (await getConflict(conflictId)).body;
      const rowsBefore = await t.dataSource.query('SELECT * FROM contact ORDER BY id');

      const res = await settle(conflictId, { resolution: 'keep' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...before, status: 'kept', settledAt: expect.any(String), settledBy: 'admin' });
      expect(await getConflict(conflictId).then((r) => r.body)).toEqual(res.body);

      expect(await t.dataSource.query('SELECT * FROM contact ORDER BY id')).toEqual(rowsBefore);
      expect(await conflictRows()).toEqual([
        { id: conflictId, contact_id: contactId, field: 'msisdn', existing_value: PHONE, claimed_value: PHONE2, other_contact_id: null, status: 'kept', settled_by: 'admin', settled: true },
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
        { id: contactId, msisdn: PHONE2, bsuid: B, parent_bsuid: null, msisdn_strength: 'attested', bsuid_strength: 'attested', parent_bsuid_strength: null, merged_into: null },
      ]);
      const gone = await requests.get(PHONE);
      expect(gone.status).toBe(404);
      const evidence = { kind: 'ADMIN', admin: 'admin', conflictId, resolution: 'accept' };
      const mine = { id: expect.any(String), contactId, strength: 'attested', evidence, eventAt: res.body.settledAt, recordedAt: expect.any(String) };
      expect((await history(PHONE2)).slice(0, 3)).toEqual([
        { ...mine, action: 'settled', field: 'msisdn', from: PHONE, to: PHONE2, otherContactId: null },
        { ...mine, action: 'linked', field: 'msisdn', from: null, to: PHONE2, otherContactId: null },
        { ...mine, action: 'unlinked', field: 'msisdn', from: PHONE, to: null, otherContactId: null },
      ]);
      expect(await conflictRows()).toEqual([expect.objectContaining({ id: conflictId, status: 'accepted', settled_by: 'admin', settled: true })]);
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
      expect(res.body).toEqual({ ...before, status: 'accepted', settledAt: expect.any(String), settledBy: 'admin', contact: receiver, otherContact: loser });
      expect((await contact(PHONE)).id).toBe(bsuidOnly);

      expect(await contactRows()).toEqual([
        { id: phoneOnly, msisdn: null, bsuid: null, parent_bsuid: null, msisdn_strength: null, bsuid_strength: null, parent_bsuid_strength: null, merged_into: null },
        { id: bsuidOnly, msisdn: PHONE, bsuid: B, parent_bsuid: null, msisdn_strength: 'attested', bsuid_strength: 'attested', parent_bsuid_strength: null, merged_into: null },
      ]);
      const evidence = { kind: 'ADMIN', admin: 'admin', conflictId, resolution: 'accept' };
      const at = { strength: 'attested', evidence, eventAt: res.body.settledAt, id: expect.any(String), recordedAt: expect.any(String) };
      expect((await history(bsuidOnly)).slice(0, 2)).toEqual([
        { ...at, contactId: bsuidOnly, action: 'settled', field: 'msisdn', from: null, to: PHONE, otherContactId: phoneOnly },
        { ...at, contactId: bsuidOnly, action: 'linked', field: 'msisdn', from: null, to: PHONE, otherContactId: phoneOnly },
      ]);
      expect((await history(phoneOnly))[0]).toEqual({ ...at, contactId: phoneOnly, action: 'unlinked', field: 'msisdn', from: PHONE, to: null, otherContactId: bsuidOnly });
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

    it('settles on the surviving contact when the conflict\'s contact was merged', async () => {
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
      expect((await history(phoneOnly))[0]).toMatchObject({ contactId: phoneOnly, action: 'settled', field: 'parentBsuid', from: P, to: P2 });
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
      for (const res of [await list('', KEYS.globexAdmin), await getConflict(conflictId, KEYS.globexAdmin), await settle(conflictId, { resolution: 'accept' }, KEYS.globexAdmin)]) {
        expect(res.status).toBe(403);
        expect(res.body).toEqual(noAccess);
      }
      const own = await list('', KEYS.globexAdmin, 'globex');
      expect(own.status).toBe(200);
      expect(own.body).toEqual({ items: [], nextCursor: null });
      for (const status of ['kept', 'accepted']) expect((await list(`?status=${status}`, KEYS.globexAdmin, 'globex')).body).toEqual({ items: [], nextCursor: null });

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
      for (const res of [await list('', KEYS.crm), await getConflict(conflictId, KEYS.crm), await settle(conflictId, { resolution: 'keep' }, KEYS.crm)]) {
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
