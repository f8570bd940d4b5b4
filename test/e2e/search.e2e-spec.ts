// GET …/contacts on the seeded set (test/support/search-seed.ts): each filter, merged contacts, bad queries.
import request from 'supertest';
import { validation, validationIncluding } from '../support/expected-errors';
import { acmeDlr as dlr, mo } from '../support/link-builders';
import { resetWithAcmeAndGlobex } from '../support/portfolios';
import {
  A_PHONE,
  BEFORE_THE_CONTACT_BOOK,
  B_PHONE,
  C_BSUID,
  DAY,
  G_BSUID,
  G_PHONE,
  HOUR,
  Item,
  Key,
  searchRequests,
  seedContacts,
  seededKeys,
} from '../support/search-seed';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

describe('contact search and stats', () => {
  let t: TestApp;
  let now: number;
  let ids: Record<Key, string>;
  let mergedAway: string;
  let globexId: string;

  beforeAll(async () => (t = await createTestApp(BEFORE_THE_CONTACT_BOOK)));
  afterAll(() => t.close());

  const ago = (ms: number) => new Date(now - ms).toISOString();
  const { requests, list, stats, importContacts } = searchRequests(() => t);
  const { keysOf, listKeys } = seededKeys(() => ids, list);

  beforeEach(async () => {
    await resetWithAcmeAndGlobex(t);
    now = Date.now();
    ({ ids, mergedAway, globexId } = await seedContacts(t, ago));
  });

  describe('GET /v1/portfolios/:portfolio/contacts', () => {
    it('lists every live contact of the portfolio as the single look-up shows it, and not the merged-away one', async () => {
      const res = await list();
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ items: expect.any(Array), nextCursor: null });
      expect(keysOf(res.body.items)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
      for (const item of res.body.items as Item[]) {
        const single = await requests.get(item.id);
        expect(item).toEqual(single.body);
      }
      expect(res.body.items.map((item: Item) => item.id)).not.toContain(mergedAway);
      expect(res.body.items.map((item: Item) => item.id)).not.toContain(globexId);
      expect(res.body.items.find((item: Item) => item.id === ids.g)).toMatchObject({ msisdn: G_PHONE, bsuid: G_BSUID });
    });

    it('answers the whole contact for a filter by externalId, set by an import', async () => {
      const res = await list('?externalId=crm-a');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        items: [
          {
            id: ids.a,
            portfolio: 'acme',
            msisdn: A_PHONE,
            bsuid: null,
            parentBsuid: null,
            status: 'active',
            firstSeenAt: ago(HOUR),
            updatedAt: expect.any(String),
            lastInboundAt: ago(HOUR),
            lastOutboundAt: null,
            careWindowOpenUntil: ago(HOUR - DAY),
            phoneVisibleUntil: ago(HOUR - 30 * DAY),
            phoneVisibility: 'window',
            contactBookAt: null,
            externalId: 'crm-a',
            username: null,
            marketing: null,
            sendTo: A_PHONE,
            sendToKind: 'msisdn',
            sendToReason: expect.any(String),
          },
        ],
        nextCursor: null,
      });
      expect(await listKeys('externalId=crm-b')).toEqual([]);
    });

    it.each([
      ['hasPhone=true', ['a', 'b', 'e', 'f', 'g']],
      ['hasPhone=false', ['c', 'd']],
      ['hasBsuid=true', ['b', 'c', 'd', 'e', 'f', 'g']],
      ['hasBsuid=false', ['a']],
      ['hasParent=true', ['b', 'd']],
      ['hasParent=false', ['a', 'c', 'e', 'f', 'g']],
      ['bsuidOnly=true', ['c', 'd']],
      ['bsuidOnly=false', ['a', 'b', 'e', 'f', 'g']],
      ['status=invalid', ['e']],
      ['status=active', ['a', 'b', 'c', 'd', 'f', 'g']],
      ['country=SE', ['a', 'b', 'c', 'f', 'g']],
      ['country=NO', ['d', 'e']],
      ['country=DK', []],
      ['careWindowOpen=true', ['a', 'c']],
      ['careWindowOpen=false', ['b', 'd', 'e', 'f', 'g']],
      ['phoneVisibilityEndsWithinDays=0', []],
      ['phoneVisibilityEndsWithinDays=7', ['b']],
      ['phoneVisibilityEndsWithinDays=29', ['b', 'e']],
      ['phoneVisibilityEndsWithinDays=30', ['a', 'b', 'e']],
      ['needsContactBookEntry=true', ['a', 'b', 'e', 'f', 'g']],
      ['needsContactBookEntry=false', ['c', 'd']],
      ['inConflict=true', ['f']],
      ['inConflict=false', ['a', 'b', 'c', 'd', 'e', 'g']],
      ['externalId=crm-a', ['a']],
      ['hasPhone=true&hasBsuid=true', ['b', 'e', 'f', 'g']],
      ['hasPhone=true&country=SE&careWindowOpen=false', ['b', 'f', 'g']],
      ['bsuidOnly=true&hasParent=true&country=NO', ['d']],
    ])('filters with %s', async (query, expected) => {
      expect(await listKeys(query)).toEqual(expected);
    });

    it('filters by the time a contact was last seen in a webhook', async () => {
      expect(await listKeys(`seenSince=${ago(3 * HOUR)}`)).toEqual(['a', 'c']);
      // e was last seen in its 112404, 5 days ago.
      expect(await listKeys(`seenSince=${ago(6 * DAY)}`)).toEqual(['a', 'c', 'e']);
      expect(await listKeys(`seenSince=${ago(30 * DAY)}`)).toEqual(['a', 'b', 'c', 'e']);
      // g was last seen in the DLR that merged it, 48 days ago.
      expect(await listKeys(`seenSince=${ago(48 * DAY + HOUR)}`)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
      expect(await listKeys(`seenSince=${ago(-HOUR)}`)).toEqual([]);
    });

    it('reads seenSince and updatedSince written with a UTC offset', async () => {
      const plusTwo = (iso: string) => encodeURIComponent(`${new Date(Date.parse(iso) + 2 * HOUR).toISOString().slice(0, 19)}+02:00`);
      expect(await listKeys(`seenSince=${plusTwo(ago(3 * HOUR))}`)).toEqual(['a', 'c']);
      expect(await listKeys(`seenSince=${plusTwo(ago(6 * DAY))}`)).toEqual(['a', 'c', 'e']);
      expect(await listKeys(`updatedSince=${plusTwo(ago(DAY))}`)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    });

    it('filters by the time a contact last changed', async () => {
      expect(await listKeys(`updatedSince=${ago(DAY)}`)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
      const [{ mark }] = await t.dataSource.query(`SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS mark`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await listKeys(`updatedSince=${mark}`)).toEqual([]);
      await t
        .postMo(mo(C_BSUID, { whatsappUserId: C_BSUID, whatsappParentUserId: 'SE.ENT.30000000000000000003' }, 'c-2', ago(HOUR)))
        .expect(200);
      await importContacts([{ msisdn: B_PHONE, externalId: 'crm-b' }]);
      expect(await listKeys(`updatedSince=${mark}`)).toEqual(['b', 'c']);
      expect(await listKeys(`updatedSince=${mark}&hasParent=true`)).toEqual(['b', 'c']);
      expect(await listKeys(`updatedSince=${mark}&externalId=crm-b`)).toEqual(['b']);
    });

    it('counts only open conflicts: a settled one no longer puts the contact in conflict', async () => {
      const conflicts = await request(t.http).get('/v1/portfolios/acme/conflicts').auth(KEYS.admin, { type: 'bearer' });
      expect(conflicts.status).toBe(200);
      expect(conflicts.body.items).toHaveLength(2);
      for (const conflict of conflicts.body.items as { id: string }[]) {
        const settled = await requests.settle(conflict.id, { resolution: 'keep' });
        expect(settled.status).toBe(200);
      }
      expect(await listKeys('inConflict=true')).toEqual([]);
      expect(await listKeys('inConflict=false')).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    });

    describe('a contact in conflict that is then merged', () => {
      const X_PHONE = '+46701000010';
      const X_BSUID = 'SE.90000000000000000010';
      const X_PARENT = 'SE.ENT.90000000000000000010';
      let survivor: string;

      beforeEach(async () => {
        survivor = (await t.postMo(mo(X_PHONE, null, 'x-1', ago(12 * DAY))).expect(200)).body.contactIds[0];
        const younger = (
          await t.postMo(mo(X_BSUID, { whatsappUserId: X_BSUID, whatsappParentUserId: X_PARENT }, 'x-2', ago(11 * DAY))).expect(200)
        ).body.contactIds[0];
        // A CRM claims another parent for the BSUID-only contact: a conflict on it.
        const report = await importContacts([{ bsuid: X_BSUID, parentBsuid: 'SE.ENT.90000000000000000099' }]);
        expect(report).toMatchObject({ conflicts: 1, problems: [expect.objectContaining({ contactId: younger })] });
        // Meta then pairs the phone and the BSUID: the younger contact folds into the older one.
        const merged = await t.postDlr(dlr(112006, { destination: X_PHONE, whatsappUserId: X_BSUID }, 'x-3', ago(10 * DAY))).expect(200);
        expect(merged.body.contactIds).toEqual([survivor]);
        expect(await t.dataSource.query('SELECT merged_into FROM contact WHERE id = $1', [younger])).toEqual([{ merged_into: survivor }]);
      });

      it('lists the surviving contact as in conflict, as the conflict itself shows it', async () => {
        const conflicts = await request(t.http).get('/v1/portfolios/acme/conflicts').auth(KEYS.admin, { type: 'bearer' });
        const open = (conflicts.body.items as { claimedValue: string; contact: { id: string } }[]).find(
          (item) => item.claimedValue === 'SE.ENT.90000000000000000099',
        );
        expect(open?.contact.id).toBe(survivor);

        const inConflict = await list('?limit=1000&inConflict=true');
        expect(inConflict.status).toBe(200);
        expect((inConflict.body.items as Item[]).map((item) => item.id).sort()).toEqual([ids.f, survivor].sort());
        const notInConflict = await list('?limit=1000&inConflict=false');
        expect((notInConflict.body.items as Item[]).map((item) => item.id)).not.toContain(survivor);
        const res = await stats();
        expect(res.body).toMatchObject({ contacts: 8, inConflict: 2, openConflicts: 3 });
      });

      it('counts the person once in inConflict when it has conflicts of its own and of the contact merged into it', async () => {
        const report = await importContacts([{ bsuid: X_BSUID, parentBsuid: 'SE.ENT.90000000000000000098' }]);
        expect(report).toMatchObject({ conflicts: 1, problems: [expect.objectContaining({ contactId: survivor })] });
        const res = await stats();
        expect(res.body).toMatchObject({ contacts: 8, inConflict: 2, openConflicts: 4 });
        const inConflict = await list('?limit=1000&inConflict=true');
        expect(res.body.inConflict).toBe(inConflict.body.items.length);
      });
    });

    it('never lists a contact that was merged away, even when asked for its identifiers', async () => {
      const items = [
        ...(await list('?limit=1000&country=SE&hasBsuid=true')).body.items,
        ...(await list('?limit=1000&seenSince=' + ago(60 * DAY))).body.items,
        ...(await list('?limit=1000&hasPhone=false')).body.items,
      ] as Item[];
      expect(items.map((item) => item.id)).not.toContain(mergedAway);
      const rows = await t.dataSource.query('SELECT merged_into FROM contact WHERE id = $1', [mergedAway]);
      expect(rows).toEqual([{ merged_into: ids.g }]);
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=ten', 'limit'],
      ['cursor=abc', 'cursor'],
      ['hasPhone=maybe', 'hasPhone'],
      ['hasBsuid=none', 'hasBsuid'],
      ['hasParent=yes', 'hasParent'],
      ['bsuidOnly=2', 'bsuidOnly'],
      ['careWindowOpen=', 'careWindowOpen'],
      ['inConflict=no', 'inConflict'],
      ['needsContactBookEntry=yes', 'needsContactBookEntry'],
      ['status=deleted', 'status'],
      ['country=XX', 'country'],
      ['country=Sweden', 'country'],
      ['seenSince=yesterday', 'seenSince'],
      ['updatedSince=2026-13-01T00:00:00Z', 'updatedSince'],
      ['phoneVisibilityEndsWithinDays=-1', 'phoneVisibilityEndsWithinDays'],
      ['phoneVisibilityEndsWithinDays=31', 'phoneVisibilityEndsWithinDays'],
    ])('answers 400 112506 for %s', async (query, field) => {
      const res = await list(`?${query}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(validationIncluding(field));
      expect(res.body.fields.every((f: { field: string }) => f.field === field)).toBe(true);
    });

    it('answers 400 112506 for an externalId longer than 256 characters', async () => {
      const res = await list(`?externalId=${'x'.repeat(257)}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(validation('externalId'));
    });
  });
});
