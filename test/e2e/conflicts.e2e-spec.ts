// GET …/conflicts and …/conflicts/:id: what each kind of clash lists, paging, the status filter, merged contacts.
import { validationIncluding } from '../support/expected-errors';
import { B, CARD_PHONE, ConflictItem, conflictRequests, P, P2, PHONE, PHONE2, PHONE3 } from '../support/conflicts';
import { resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, TestApp } from '../support/test-app';

describe('/v1/portfolios/:portfolio/conflicts', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  beforeEach(() => resetWithAcmeAndGlobex(t));
  afterAll(() => t.close());

  const { settle, mo, forwardedCard, importRows, list, getConflict, contact, openIds, attestedClash, twoContactClash } = conflictRequests(
    () => t,
  );

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

    it("lists a forwarded contact card as a conflict: the number may be someone else's", async () => {
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
        expect(pages.map((page) => page.length)).toEqual(
          limit === 5 ? [5] : limit === 4 ? [4, 1] : limit === 2 ? [2, 2, 1] : [1, 1, 1, 1, 1],
        );
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
        expect.objectContaining({
          id: conflictId,
          field: 'parentBsuid',
          existingValue: P,
          claimedValue: P2,
          contact: survivor,
          otherContact: null,
        }),
      );
      expect((await list()).body.items).toEqual([res.body]);
    });
  });
});
