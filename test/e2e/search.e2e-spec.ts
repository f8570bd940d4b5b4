import request from 'supertest';
import { api } from '../support/api';
import { noAccess, unauthorized, validation, validationIncluding } from '../support/expected-errors';
import { acmeDlr as dlr, mo } from '../support/link-builders';
import { resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;


interface Item {
  id: string;
  [field: string]: unknown;
}
interface Page {
  items: Item[];
  nextCursor: string | null;
}

/**
 * The seeded set, all in acme (one contact of each kind the filters tell apart):
 * - a: phone only, MO 1 h ago (care window open; phone visible for 30 days less 1 h), externalId crm-a by import
 * - b: phone + BSUID + parent, MO 27 days ago (phone visibility ends in 3 days); a 112404 older than that MO
 * - c: BSUID only, MO 2 h ago (care window open)
 * - d: Norwegian BSUID + parent, no phone, MO 40 days ago
 * - e: Norwegian phone + BSUID, MO 10 days ago, then 112404 5 days ago: invalid
 * - f: phone + BSUID, MO 35 days ago, then two imported claims of other phones for its BSUID: in conflict
 * - g: phone-only contact (50 days ago) merged with a BSUID-only one (49 days ago) by a sent DLR 48 days ago
 */
const A_PHONE = '+46701000001';
const B_PHONE = '+46701000002';
const B_BSUID = 'SE.20000000000000000002';
const B_PARENT = 'SE.ENT.20000000000000000002';
const C_BSUID = 'SE.30000000000000000003';
const D_BSUID = 'NO.40000000000000000004';
const D_PARENT = 'NO.ENT.40000000000000000004';
const E_PHONE = '+4791234567';
const E_BSUID = 'NO.50000000000000000005';
const F_PHONE = '+46701000006';
const F_BSUID = 'SE.60000000000000000006';
const G_PHONE = '+46701000007';
const G_BSUID = 'SE.70000000000000000007';

type Key = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g';

describe('contact search and stats', () => {
  let t: TestApp;
  let now: number;
  let ids: Record<Key, string>;
  let mergedAway: string;
  let globexId: string;

  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  const ago = (ms: number) => new Date(now - ms).toISOString();
  const requests = api(() => t);
  const list = (query = '', secret: string | null = KEYS.admin, portfolio = 'acme') => {
    const req = request(t.http).get(`/v1/portfolios/${portfolio}/contacts${query}`);
    if (secret !== null) req.auth(secret, { type: 'bearer' });
    return req;
  };
  const stats = (query = '', secret: string | null = KEYS.admin, portfolio = 'acme') => {
    const req = request(t.http).get(`/v1/portfolios/${portfolio}/stats${query}`);
    if (secret !== null) req.auth(secret, { type: 'bearer' });
    return req;
  };
  const importContacts = async (contacts: Record<string, unknown>[]) => {
    const res = await requests.importContacts(contacts);
    expect(res.status).toBe(200);
    return res.body;
  };
  /** The seeded contacts a list answers, by their letter (sorted), failing on any id that is not one of them. */
  const keysOf = (items: Item[]): string[] => {
    const byId = new Map(Object.entries(ids).map(([key, id]) => [id, key]));
    return items.map((item) => byId.get(item.id) ?? `unexpected ${item.id}`).sort();
  };
  const listKeys = async (query: string): Promise<string[]> => {
    const res = await list(`?limit=1000&${query}`);
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    return keysOf(res.body.items);
  };

  beforeEach(async () => {
    await resetWithAcmeAndGlobex(t);
    now = Date.now();
    const first = async (body: object, post = t.postMo) => {
      const res = await post(body).expect(200);
      expect(res.body.portfolio).toBe('acme');
      return res.body.contactIds[0] as string;
    };

    const a = await first(mo(A_PHONE, null, 'a-1', ago(HOUR)));
    const b = await first(mo(B_PHONE, { whatsappUserId: B_BSUID, whatsappParentUserId: B_PARENT }, 'b-1', ago(27 * DAY)));
    await t.postDlr(dlr(112404, { whatsappUserId: B_BSUID }, 'b-2', ago(28 * DAY + HOUR))).expect(200); // older than the MO
    const c = await first(mo(C_BSUID, { whatsappUserId: C_BSUID }, 'c-1', ago(2 * HOUR)));
    const d = await first(mo(D_BSUID, { whatsappUserId: D_BSUID, whatsappParentUserId: D_PARENT }, 'd-1', ago(40 * DAY)));
    const e = await first(mo(E_PHONE, { whatsappUserId: E_BSUID }, 'e-1', ago(10 * DAY)));
    await t.postDlr(dlr(112404, { whatsappUserId: E_BSUID }, 'e-2', ago(5 * DAY))).expect(200);
    const f = await first(mo(F_PHONE, { whatsappUserId: F_BSUID }, 'f-1', ago(35 * DAY)));
    const g = await first(mo(G_PHONE, null, 'g-1', ago(50 * DAY)));
    mergedAway = await first(mo(G_BSUID, { whatsappUserId: G_BSUID }, 'g-2', ago(49 * DAY)));
    const merged = await first(dlr(112006, { destination: G_PHONE, whatsappUserId: G_BSUID }, 'g-3', ago(48 * DAY)), t.postDlr);
    expect(merged).toBe(g);
    expect(mergedAway).not.toBe(g);

    const report = await importContacts([
      { msisdn: A_PHONE, externalId: 'crm-a' },
      { msisdn: '+46701000096', bsuid: F_BSUID },
      { msisdn: '+46701000097', bsuid: F_BSUID },
    ]);
    expect(report).toMatchObject({ rows: 3, created: 0, updated: 1, conflicts: 2, invalid: 0 });

    const other = await t.postMo(mo(A_PHONE, null, 'globex-1', ago(HOUR), '+47000000000')).expect(200);
    expect(other.body.portfolio).toBe('globex');
    globexId = other.body.contactIds[0];
    ids = { a, b, c, d, e, f, g };
    expect(new Set(Object.values(ids)).size).toBe(7);
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
            externalId: 'crm-a',
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
      await t.postMo(mo(C_BSUID, { whatsappUserId: C_BSUID, whatsappParentUserId: 'SE.ENT.30000000000000000003' }, 'c-2', ago(HOUR))).expect(200);
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
        const younger = (await t.postMo(mo(X_BSUID, { whatsappUserId: X_BSUID, whatsappParentUserId: X_PARENT }, 'x-2', ago(11 * DAY))).expect(200)).body
          .contactIds[0];
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

    it('pages with limit and nextCursor: each contact once, null after the last page', async () => {
      const all = (await list('?limit=1000')).body.items as Item[];
      expect(all).toHaveLength(7);
      for (const limit of [1, 2, 3, 6, 7]) {
        const seen: Item[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const res = await list(`?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
          expect(res.status).toBe(200);
          expect(res.body.items.length).toBeGreaterThan(0);
          expect(res.body.items.length).toBeLessThanOrEqual(limit);
          seen.push(...res.body.items);
          cursor = res.body.nextCursor;
          pages++;
          if (cursor !== null) expect(res.body.items).toHaveLength(limit);
        } while (cursor !== null && pages < 20);
        expect(pages).toBe(Math.ceil(7 / limit));
        expect(seen).toEqual(all);
      }
    });

    it('pages through a filter', async () => {
      const first = await list('?limit=2&hasPhone=true');
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ items: [expect.any(Object), expect.any(Object)], nextCursor: expect.any(String) });
      const second = await list(`?limit=2&hasPhone=true&cursor=${first.body.nextCursor}`);
      expect(second.body).toEqual({ items: [expect.any(Object), expect.any(Object)], nextCursor: expect.any(String) });
      const third = await list(`?limit=2&hasPhone=true&cursor=${second.body.nextCursor}`);
      expect(third.body).toEqual({ items: [expect.any(Object)], nextCursor: null });
      expect(keysOf([...first.body.items, ...second.body.items, ...third.body.items])).toEqual(['a', 'b', 'e', 'f', 'g']);
    });

    it('lists each contact that existed before a walk exactly once while contacts are created and changed between pages', async () => {
      const imported = Array.from({ length: 23 }, (_, index) => `+4670200${String(index).padStart(4, '0')}`);
      const report = await importContacts(imported.map((msisdn) => ({ msisdn })));
      expect(report).toMatchObject({ created: 23, conflicts: 0, invalid: 0 });
      const before = ((await list('?limit=1000')).body.items as Item[]).map((item) => item.id);
      expect(before).toHaveLength(30);

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: request.Response = await list(`?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(4);
        seen.push(...(res.body.items as Item[]).map((item) => item.id));
        cursor = res.body.nextCursor;
        // Between two pages: a new person writes in, and a known one is learned a BSUID.
        await t.postMo(mo(`+4670300${String(pages).padStart(4, '0')}`, null, `walk-new-${pages}`, ago(HOUR))).expect(200);
        const known = imported[pages % imported.length];
        await t.postMo(mo(known, { whatsappUserId: `SE.8${String(pages).padStart(20, '0')}1` }, `walk-change-${pages}`, ago(HOUR))).expect(200);
        pages++;
      } while (cursor !== null && pages < 50);

      expect(cursor).toBeNull();
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of before) expect(seen.filter((seenId) => seenId === id)).toEqual([id]);
      const after = ((await list('?limit=1000')).body.items as Item[]).map((item) => item.id);
      expect(after).toHaveLength(30 + pages);
      expect(after).toEqual(expect.arrayContaining(before));
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

    it('lets a read key of the portfolio list', async () => {
      const res = await list('?limit=1000', KEYS.crm);
      expect(res.status).toBe(200);
      expect(keysOf(res.body.items)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    });
  });

  describe('GET /v1/portfolios/:portfolio/stats', () => {
    const counts = {
      contacts: 7,
      withPhone: 5,
      withBsuid: 6,
      bsuidOnly: 2,
      withParent: 2,
      invalid: 1,
      inConflict: 1,
      openConflicts: 2,
    };

    it('counts the seeded set, phone visibility at risk within 7 days by default', async () => {
      const res = await stats();
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...counts, phoneVisibilityAtRisk: 1, atRiskWithinDays: 7 });
    });

    it.each([
      [0, 0],
      [7, 1],
      [29, 2],
      [30, 3],
    ])('counts phone visibility at risk within %i days', async (days, atRisk) => {
      const res = await stats(`?atRiskWithinDays=${days}`, KEYS.crm);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...counts, phoneVisibilityAtRisk: atRisk, atRiskWithinDays: days });
    });

    it('agrees with the list filters', async () => {
      const body = (await stats('?atRiskWithinDays=29')).body;
      expect(body.contacts).toBe((await listKeys('')).length);
      expect(body.withPhone).toBe((await listKeys('hasPhone=true')).length);
      expect(body.withBsuid).toBe((await listKeys('hasBsuid=true')).length);
      expect(body.bsuidOnly).toBe((await listKeys('bsuidOnly=true')).length);
      expect(body.withParent).toBe((await listKeys('hasParent=true')).length);
      expect(body.invalid).toBe((await listKeys('status=invalid')).length);
      expect(body.inConflict).toBe((await listKeys('inConflict=true')).length);
      expect(body.phoneVisibilityAtRisk).toBe((await listKeys('phoneVisibilityEndsWithinDays=29')).length);
    });

    it.each(['atRiskWithinDays=-1', 'atRiskWithinDays=31', 'atRiskWithinDays=soon'])('answers 400 112506 for %s', async (query) => {
      const res = await stats(`?${query}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(validationIncluding('atRiskWithinDays'));
    });
  });

  describe('isolation', () => {
    it("answers 403 to a key of another portfolio on acme's list and stats", async () => {
      for (const res of [await list('', KEYS.globexAdmin), await stats('', KEYS.globexAdmin), await list('', KEYS.crm, 'globex'), await stats('', KEYS.crm, 'globex')]) {
        expect(res.status).toBe(403);
        expect(res.body).toEqual(noAccess);
      }
    });

    it('answers 401 without a key, and 403 to a key without the read role', async () => {
      for (const res of [await list('', null), await stats('', null)]) {
        expect(res.status).toBe(401);
        expect(res.body).toEqual(unauthorized);
      }
      for (const res of [await list('', KEYS.webhook), await stats('', KEYS.webhook)]) {
        expect(res.status).toBe(403);
        expect(res.body).toEqual(noAccess);
      }
    });

    it("shows another portfolio only its own contacts and counts", async () => {
      const own = await list('?limit=1000', KEYS.globexAdmin, 'globex');
      expect(own.status).toBe(200);
      expect(own.body).toEqual({
        items: [
          {
            id: globexId,
            portfolio: 'globex',
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
            externalId: null,
            sendTo: A_PHONE,
            sendToKind: 'msisdn',
            sendToReason: expect.any(String),
          },
        ],
        nextCursor: null,
      });
      for (const query of ['?externalId=crm-a', '?inConflict=true', '?country=NO', '?hasBsuid=true']) {
        const res = await list(query, KEYS.globexAdmin, 'globex');
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ items: [], nextCursor: null });
      }
      const counts = await stats('?atRiskWithinDays=30', KEYS.globexAdmin, 'globex');
      expect(counts.status).toBe(200);
      expect(counts.body).toEqual({
        contacts: 1,
        withPhone: 1,
        withBsuid: 0,
        bsuidOnly: 0,
        withParent: 0,
        invalid: 0,
        inConflict: 0,
        openConflicts: 0,
        phoneVisibilityAtRisk: 1,
        atRiskWithinDays: 30,
      });
    });
  });
});
