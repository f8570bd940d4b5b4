// Search on the seeded set (test/support/search-seed.ts): paging, read keys, stats, and other portfolios' keys.
import request from 'supertest';
import { noAccess, unauthorized, validationIncluding } from '../support/expected-errors';
import { mo } from '../support/link-builders';
import { resetWithAcmeAndGlobex } from '../support/portfolios';
import { A_PHONE, BEFORE_THE_CONTACT_BOOK, DAY, HOUR, Item, Key, searchRequests, seedContacts, seededKeys } from '../support/search-seed';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

describe('contact search and stats', () => {
  let t: TestApp;
  let now: number;
  let ids: Record<Key, string>;
  let globexId: string;

  beforeAll(async () => (t = await createTestApp(BEFORE_THE_CONTACT_BOOK)));
  afterAll(() => t.close());

  const ago = (ms: number) => new Date(now - ms).toISOString();
  const { list, stats, importContacts } = searchRequests(() => t);
  const { keysOf, listKeys } = seededKeys(() => ids, list);

  beforeEach(async () => {
    await resetWithAcmeAndGlobex(t);
    now = Date.now();
    ({ ids, globexId } = await seedContacts(t, ago));
  });

  describe('GET /v1/portfolios/:portfolio/contacts', () => {
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
        await t
          .postMo(mo(known, { whatsappUserId: `SE.8${String(pages).padStart(20, '0')}1` }, `walk-change-${pages}`, ago(HOUR)))
          .expect(200);
        pages++;
      } while (cursor !== null && pages < 50);

      expect(cursor).toBeNull();
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of before) expect(seen.filter((seenId) => seenId === id)).toEqual([id]);
      const after = ((await list('?limit=1000')).body.items as Item[]).map((item) => item.id);
      expect(after).toHaveLength(30 + pages);
      expect(after).toEqual(expect.arrayContaining(before));
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
      inContactBook: 0,
      needsContactBookEntry: 5,
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
      expect(body.needsContactBookEntry).toBe((await listKeys('needsContactBookEntry=true')).length);
      expect(body.inContactBook).toBe((await listKeys('needsContactBookEntry=false&hasPhone=true')).length);
    });

    it.each(['atRiskWithinDays=-1', 'atRiskWithinDays=31', 'atRiskWithinDays=soon'])('answers 400 112506 for %s', async (query) => {
      const res = await stats(`?${query}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(validationIncluding('atRiskWithinDays'));
    });
  });

  describe('isolation', () => {
    it("answers 403 to a key of another portfolio on acme's list and stats", async () => {
      for (const res of [
        await list('', KEYS.globexAdmin),
        await stats('', KEYS.globexAdmin),
        await list('', KEYS.crm, 'globex'),
        await stats('', KEYS.crm, 'globex'),
      ]) {
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

    it('shows another portfolio only its own contacts and counts', async () => {
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
            phoneVisibility: 'window',
            contactBookAt: null,
            externalId: null,
            username: null,
            marketing: null,
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
        inContactBook: 0,
        needsContactBookEntry: 1,
        phoneVisibilityAtRisk: 1,
        atRiskWithinDays: 30,
      });
    });
  });
});
