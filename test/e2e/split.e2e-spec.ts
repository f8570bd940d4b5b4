import request from 'supertest';
import { api, HistoryItem } from '../support/api';
import { conflict, noAccess, notFound } from '../support/expected-errors';
import { mo, sendMo } from '../support/link-builders';
import { ACME_NUMBER, resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

const PHONE = '+46701234567';
const B = 'SE.13491208655302741918';
const B2 = 'SE.22222222222222222222';

describe('POST /v1/portfolios/:portfolio/contacts/:identifier/history/:entry/split', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  beforeEach(() => resetWithAcmeAndGlobex(t));
  afterAll(() => t.close());

  const send = (body: Record<string, unknown>) => sendMo(t, body);
  const { get, history } = api(() => t);
  const split = (identifier: string, entry: string, secret: string = KEYS.admin, portfolio = 'acme') =>
    request(t.http)
      .post(`/v1/portfolios/${portfolio}/contacts/${encodeURIComponent(identifier)}/history/${entry}/split`)
      .auth(secret, { type: 'bearer' });
  /** The id of the `merged` row in the contact's history (there must be exactly one). */
  const mergeEntryOf = async (identifier: string, portfolio = 'acme'): Promise<string> => {
    const res = await history(identifier, KEYS.admin, portfolio);
    expect(res.status).toBe(200);
    const rows = (res.body.items as HistoryItem[]).filter((item) => item.action === 'merged');
    expect(rows).toHaveLength(1);
    return rows[0].id;
  };
  const contactRow = async (id: string) =>
    t.dataSource.query('SELECT merged_into, msisdn, bsuid, parent_bsuid FROM contact WHERE id = $1', [id]);
  const mo$ = (messageId: string) => ({ kind: 'MO', messageId, businessNumber: ACME_NUMBER });
  const admin = (mergeEntryId: string) => ({ kind: 'ADMIN', admin: 'admin', mergeEntryId });
  const row = (
    contactId: string,
    action: string,
    field: string | null,
    from: string | null,
    to: string | null,
    otherContactId: string | null,
    evidence: Record<string, unknown>,
    eventAt: unknown = expect.any(String),
  ) => ({
    id: expect.any(String),
    contactId,
    action,
    field,
    from,
    to,
    otherContactId,
    strength: 'attested',
    evidence,
    eventAt,
    recordedAt: expect.any(String),
  });

  describe('after a merge of a phone-only contact and a BSUID-only contact', () => {
    let older: string;
    let younger: string;
    let entry: string;
    beforeEach(async () => {
      older = await send(mo(PHONE, null, 'm-1', '2026-06-01T10:00:00Z'));
      younger = await send(mo(B, { whatsappUserId: B }, 'm-2', '2026-06-01T11:00:00Z'));
      expect(younger).not.toBe(older);
      expect(await send(mo(PHONE, { whatsappUserId: B }, 'm-3', '2026-06-01T12:00:00Z'))).toBe(older);
      expect(await contactRow(younger)).toEqual([{ merged_into: older, msisdn: null, bsuid: null, parent_bsuid: null }]);
      entry = await mergeEntryOf(PHONE);
    });

    const olderView = () => ({
      id: older,
      portfolio: 'acme',
      msisdn: PHONE,
      bsuid: null,
      parentBsuid: null,
      status: 'active',
      firstSeenAt: '2026-06-01T10:00:00.000Z',
      updatedAt: expect.any(String),
      // What happened after the merge was recorded on the survivor, which keeps it.
      lastInboundAt: '2026-06-01T12:00:00.000Z',
      lastOutboundAt: null,
      careWindowOpenUntil: '2026-06-02T12:00:00.000Z',
      // The contact-book entry of its phone (an MO from it) follows the phone.
      phoneVisibleUntil: null,
      phoneVisibility: 'contactBook',
      contactBookAt: '2026-06-01T10:00:00.000Z',
      externalId: null,
      username: null,
      marketing: null,
      sendTo: PHONE,
      sendToKind: 'msisdn',
      sendToReason: expect.any(String),
    });
    const youngerView = () => ({
      id: younger,
      portfolio: 'acme',
      msisdn: null,
      bsuid: B,
      parentBsuid: null,
      status: 'active',
      firstSeenAt: '2026-06-01T11:00:00.000Z',
      updatedAt: expect.any(String),
      lastInboundAt: '2026-06-01T11:00:00.000Z',
      lastOutboundAt: null,
      careWindowOpenUntil: '2026-06-02T11:00:00.000Z',
      phoneVisibleUntil: null,
      phoneVisibility: null,
      contactBookAt: null,
      externalId: null,
      username: null,
      marketing: null,
      sendTo: B,
      sendToKind: 'bsuid',
      sendToReason: expect.any(String),
    });

    it('gives back two contacts: the younger one with its BSUID, the older one with its phone', async () => {
      const res = await split(PHONE, entry);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ contact: olderView(), restored: youngerView(), restoredIdentifiers: ['bsuid'], keptElsewhere: [] });

      const byBsuid = await get(B);
      expect(byBsuid.status).toBe(200);
      expect(byBsuid.body).toEqual(youngerView());
      const byPhone = await get(PHONE);
      expect(byPhone.status).toBe(200);
      expect(byPhone.body).toEqual(olderView());

      expect(await contactRow(younger)).toEqual([{ merged_into: null, msisdn: null, bsuid: B, parent_bsuid: null }]);
      expect(await contactRow(older)).toEqual([{ merged_into: null, msisdn: PHONE, bsuid: null, parent_bsuid: null }]);
      expect(await t.contactsOf('acme')).toEqual([
        { id: older, msisdn: PHONE, bsuid: null, parentBsuid: null },
        { id: younger, msisdn: null, bsuid: B, parentBsuid: null },
      ]);
    });

    it('answers the merged-away id with its own contact again, not the survivor', async () => {
      expect((await get(younger)).body.id).toBe(older);
      await split(PHONE, entry).expect(200);
      const res = await get(younger);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(youngerView());
      expect((await get(older)).body).toEqual(olderView());
    });

    it('can be asked through any identifier of the survivor, the merged-away id included', async () => {
      const res = await split(younger, entry);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ contact: olderView(), restored: youngerView(), restoredIdentifiers: ['bsuid'], keptElsewhere: [] });
    });

    it('gives each contact its own history back, with a split row on both', async () => {
      await split(PHONE, entry).expect(200);

      const ofOlder = await history(PHONE);
      expect(ofOlder.status).toBe(200);
      expect(ofOlder.body).toEqual({
        contact: olderView(),
        items: [
          row(older, 'split', null, null, null, younger, admin(entry)),
          row(older, 'unlinked', 'bsuid', B, null, younger, admin(entry)),
          row(older, 'linked', 'bsuid', null, B, younger, mo$('m-3'), '2026-06-01T12:00:00.000Z'),
          row(older, 'merged', null, null, null, younger, mo$('m-3'), '2026-06-01T12:00:00.000Z'),
          row(older, 'linked', 'msisdn', null, PHONE, null, mo$('m-1'), '2026-06-01T10:00:00.000Z'),
          row(older, 'created', null, null, null, null, mo$('m-1'), '2026-06-01T10:00:00.000Z'),
        ],
        nextCursor: null,
      });

      const ofYounger = await history(B);
      expect(ofYounger.status).toBe(200);
      expect(ofYounger.body).toEqual({
        contact: youngerView(),
        items: [
          row(younger, 'split', null, null, null, older, admin(entry)),
          row(younger, 'linked', 'bsuid', null, B, older, admin(entry)),
          row(younger, 'unlinked', 'bsuid', B, null, older, mo$('m-3'), '2026-06-01T12:00:00.000Z'),
          row(younger, 'linked', 'bsuid', null, B, null, mo$('m-2'), '2026-06-01T11:00:00.000Z'),
          row(younger, 'created', null, null, null, null, mo$('m-2'), '2026-06-01T11:00:00.000Z'),
        ],
        nextCursor: null,
      });
      expect(await history(younger).then((res) => res.body)).toEqual(ofYounger.body);

      const [splitRow] = ofOlder.body.items;
      expect(Date.parse(splitRow.eventAt)).toBeGreaterThan(Date.now() - 60_000);
    });

    it('answers 409 112909 to a second split of the same merge, and changes nothing', async () => {
      await split(PHONE, entry).expect(200);
      const before = await t.dataSource.query('SELECT count(*)::int AS n FROM link_history');
      const again = await split(PHONE, entry);
      expect(again.status).toBe(409);
      expect(again.body).toEqual(conflict);
      const throughTheOther = await split(B, entry);
      expect(throughTheOther.status).toBe(404);
      expect(throughTheOther.body).toEqual(notFound);
      expect(await t.dataSource.query('SELECT count(*)::int AS n FROM link_history')).toEqual(before);
      expect((await get(B)).body).toEqual(youngerView());
      expect((await get(PHONE)).body).toEqual(olderView());
    });

    it('answers 409 112909 to the split of a merge that a later merge superseded', async () => {
      await split(PHONE, entry).expect(200);
      expect(await send(mo(PHONE, { whatsappUserId: B }, 'm-4', '2026-06-01T13:00:00Z'))).toBe(older);
      expect(await contactRow(younger)).toEqual([{ merged_into: older, msisdn: null, bsuid: null, parent_bsuid: null }]);

      const stale = await split(PHONE, entry);
      expect(stale.status).toBe(409);
      expect(stale.body).toEqual(conflict);
      expect(await contactRow(younger)).toEqual([{ merged_into: older, msisdn: null, bsuid: null, parent_bsuid: null }]);

      const merges = ((await history(PHONE)).body.items as HistoryItem[]).filter((item) => item.action === 'merged');
      expect(merges).toHaveLength(2);
      const latest = await split(PHONE, merges[0].id);
      expect(latest.status).toBe(200);
      expect(latest.body).toMatchObject({
        contact: { id: older, msisdn: PHONE, bsuid: null },
        restored: { id: younger, bsuid: B, msisdn: null },
      });
    });

    it('answers 404 112904 for a history row that is not a merge', async () => {
      const items = (await history(PHONE)).body.items as HistoryItem[];
      const created = items.find((item) => item.action === 'created' && item.contactId === older)!;
      const linked = items.find((item) => item.action === 'linked' && item.field === 'msisdn')!;
      for (const id of [created.id, linked.id]) {
        const res = await split(PHONE, id);
        expect(res.status).toBe(404);
        expect(res.body).toEqual(notFound);
      }
      expect(await contactRow(younger)).toEqual([{ merged_into: older, msisdn: null, bsuid: null, parent_bsuid: null }]);
    });

    it("answers 404 112904 for the merge row of another contact's history, and splits nothing", async () => {
      const phone2 = '+46709876543';
      const b3 = 'SE.33333333333333333333';
      const other = await send(mo(phone2, null, 'o-1', '2026-06-01T10:30:00Z'));
      const otherMerged = await send(mo(b3, { whatsappUserId: b3 }, 'o-2', '2026-06-01T11:30:00Z'));
      expect(await send(mo(phone2, { whatsappUserId: b3 }, 'o-3', '2026-06-01T12:30:00Z'))).toBe(other);
      const otherEntry = await mergeEntryOf(phone2);

      for (const [identifier, foreignEntry] of [
        [PHONE, otherEntry],
        [phone2, entry],
        [younger, otherEntry],
      ]) {
        const res = await split(identifier, foreignEntry);
        expect(res.status).toBe(404);
        expect(res.body).toEqual(notFound);
      }
      expect(await contactRow(younger)).toEqual([{ merged_into: older, msisdn: null, bsuid: null, parent_bsuid: null }]);
      expect(await contactRow(otherMerged)).toEqual([{ merged_into: other, msisdn: null, bsuid: null, parent_bsuid: null }]);
    });

    it("answers 404 112904 for another portfolio's merge row", async () => {
      await send(mo(PHONE, null, 'g-1', '2026-06-01T10:00:00Z', '+47000000000'));
      await send(mo(B, { whatsappUserId: B }, 'g-2', '2026-06-01T11:00:00Z', '+47000000000'));
      await send(mo(PHONE, { whatsappUserId: B }, 'g-3', '2026-06-01T12:00:00Z', '+47000000000'));
      const globexEntry = await mergeEntryOf(PHONE, 'globex');
      expect(globexEntry).not.toBe(entry);

      const res = await split(PHONE, globexEntry);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(notFound);
      expect(await t.contactsOf('globex')).toEqual([expect.objectContaining({ msisdn: PHONE, bsuid: B })]);
      expect(await t.contactsOf('acme')).toEqual([expect.objectContaining({ id: older, msisdn: PHONE, bsuid: B })]);
    });

    it.each(['abc', '-1', '1.5', '99999999999999999999', '999999999'])('answers 404 112904 for the entry %s', async (bad) => {
      const res = await split(PHONE, bad);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(notFound);
      expect(await contactRow(younger)).toEqual([{ merged_into: older, msisdn: null, bsuid: null, parent_bsuid: null }]);
    });

    it('answers 404 112904 for an unknown contact', async () => {
      const res = await split('+46709999999', entry);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(notFound);
      expect(await contactRow(younger)).toEqual([{ merged_into: older, msisdn: null, bsuid: null, parent_bsuid: null }]);
    });

    it('sends later webhooks of each identifier to its own contact', async () => {
      await split(PHONE, entry).expect(200);
      expect(await send(mo(PHONE, null, 'm-5', '2026-06-01T13:00:00Z'))).toBe(older);
      expect(await send(mo(B, { whatsappUserId: B }, 'm-6', '2026-06-01T14:00:00Z'))).toBe(younger);
      expect(await t.contactsOf('acme')).toEqual([
        { id: older, msisdn: PHONE, bsuid: null, parentBsuid: null },
        { id: younger, msisdn: null, bsuid: B, parentBsuid: null },
      ]);
      expect((await get(B)).body).toMatchObject({ id: younger, lastInboundAt: '2026-06-01T14:00:00.000Z' });
      expect((await get(PHONE)).body).toMatchObject({ id: older, lastInboundAt: '2026-06-01T13:00:00.000Z' });
    });

    it.each([
      ['a read key', KEYS.crm],
      ["another portfolio's admin key", KEYS.globexAdmin],
    ])('answers 403 112401 to %s, and splits nothing', async (_, secret) => {
      const res = await split(PHONE, entry, secret);
      expect(res.status).toBe(403);
      expect(res.body).toEqual(noAccess);
      expect(await contactRow(younger)).toEqual([{ merged_into: older, msisdn: null, bsuid: null, parent_bsuid: null }]);
      expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM link_history WHERE action = 'split'`)).toEqual([{ n: 0 }]);
    });
  });

  it('splits a merge whose survivor was merged into an older contact since, from the contact that holds it now', async () => {
    const P = 'SE.ENT.11815799212886844830';
    const oldest = await send(mo(P, { whatsappParentUserId: P }, 'c-0', '2026-06-01T09:00:00Z'));
    const older = await send(mo(PHONE, null, 'c-1', '2026-06-01T10:00:00Z'));
    const younger = await send(mo(B, { whatsappUserId: B }, 'c-2', '2026-06-01T11:00:00Z'));
    expect(await send(mo(PHONE, { whatsappUserId: B }, 'c-3', '2026-06-01T12:00:00Z'))).toBe(older);
    const entry = await mergeEntryOf(PHONE);
    expect(await send(mo(B, { whatsappUserId: B, whatsappParentUserId: P }, 'c-4', '2026-06-01T13:00:00Z'))).toBe(oldest);
    expect(await contactRow(older)).toEqual([{ merged_into: oldest, msisdn: null, bsuid: null, parent_bsuid: null }]);
    expect(await contactRow(younger)).toEqual([{ merged_into: older, msisdn: null, bsuid: null, parent_bsuid: null }]);

    const res = await split(PHONE, entry);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      contact: expect.objectContaining({ id: oldest, msisdn: PHONE, bsuid: null, parentBsuid: P }),
      restored: expect.objectContaining({
        id: younger,
        msisdn: null,
        bsuid: B,
        parentBsuid: null,
        firstSeenAt: '2026-06-01T11:00:00.000Z',
      }),
      restoredIdentifiers: ['bsuid'],
      keptElsewhere: [],
    });
    expect((await get(B)).body).toMatchObject({ id: younger, bsuid: B });
    expect((await get(PHONE)).body).toMatchObject({ id: oldest, msisdn: PHONE, parentBsuid: P });
    expect((await get(older)).body.id).toBe(oldest);
    expect(await contactRow(younger)).toEqual([{ merged_into: null, msisdn: null, bsuid: B, parent_bsuid: null }]);
    expect(await contactRow(older)).toEqual([{ merged_into: oldest, msisdn: null, bsuid: null, parent_bsuid: null }]);
    const splits = await t.dataSource.query(`SELECT contact_id, other_contact_id FROM link_history WHERE action = 'split' ORDER BY id`);
    expect(splits).toEqual([
      { contact_id: oldest, other_contact_id: younger },
      { contact_id: younger, other_contact_id: oldest },
    ]);
  });

  it('leaves an identifier that later evidence moved to a third contact where it is, and says so', async () => {
    // The BSUID-only contact is the older one here, so that the merged contact brought the phone.
    const older = await send(mo(B, { whatsappUserId: B }, 'r-1', '2026-06-01T10:00:00Z'));
    const younger = await send(mo(PHONE, null, 'r-2', '2026-06-01T11:00:00Z'));
    expect(await send(mo(PHONE, { whatsappUserId: B }, 'r-3', '2026-06-01T12:00:00Z'))).toBe(older);
    const entry = await mergeEntryOf(B);
    // Rule 4: the phone is paired with a new BSUID and moves to a third contact.
    const third = await send(mo(PHONE, { whatsappUserId: B2 }, 'r-4', '2026-06-01T13:00:00Z'));
    expect([older, younger]).not.toContain(third);

    const res = await split(B, entry);
    expect(res.status).toBe(200);
    const view = (id: string, bsuid: string | null, firstSeenAt: string, lastInboundAt: string, careWindowOpenUntil: string) => ({
      id,
      portfolio: 'acme',
      msisdn: null,
      bsuid,
      parentBsuid: null,
      status: 'active',
      firstSeenAt,
      updatedAt: expect.any(String),
      lastInboundAt,
      lastOutboundAt: null,
      careWindowOpenUntil,
      phoneVisibleUntil: null,
      phoneVisibility: null,
      contactBookAt: null,
      externalId: null,
      username: null,
      marketing: null,
      sendTo: bsuid,
      sendToKind: bsuid ? 'bsuid' : null,
      sendToReason: expect.any(String),
    });
    expect(res.body).toEqual({
      contact: view(older, B, '2026-06-01T10:00:00.000Z', '2026-06-01T12:00:00.000Z', '2026-06-02T12:00:00.000Z'),
      restored: view(younger, null, '2026-06-01T11:00:00.000Z', '2026-06-01T11:00:00.000Z', '2026-06-02T11:00:00.000Z'),
      restoredIdentifiers: [],
      keptElsewhere: ['msisdn'],
    });

    const byPhone = await get(PHONE);
    expect(byPhone.status).toBe(200);
    expect(byPhone.body).toMatchObject({ id: third, msisdn: PHONE, bsuid: B2 });
    expect(await contactRow(third)).toEqual([{ merged_into: null, msisdn: PHONE, bsuid: B2, parent_bsuid: null }]);
    expect(await contactRow(younger)).toEqual([{ merged_into: null, msisdn: null, bsuid: null, parent_bsuid: null }]);
    expect(await contactRow(older)).toEqual([{ merged_into: null, msisdn: null, bsuid: B, parent_bsuid: null }]);
    const splits = await t.dataSource.query(`SELECT contact_id FROM link_history WHERE action = 'split' ORDER BY id`);
    expect(splits).toEqual([{ contact_id: older }, { contact_id: younger }]);
    const thirdHistory = ((await history(PHONE)).body.items as HistoryItem[]).map((item) => [item.contactId, item.action, item.field]);
    expect(thirdHistory).toEqual([
      [third, 'linked', 'msisdn'],
      [third, 'linked', 'bsuid'],
      [third, 'created', null],
    ]);
    const restoredHistory = ((await history(younger)).body.items as HistoryItem[]).map((item) => [item.contactId, item.action, item.field]);
    expect(restoredHistory).toEqual([
      [younger, 'split', null],
      [younger, 'unlinked', 'msisdn'],
      [younger, 'linked', 'msisdn'],
      [younger, 'created', null],
    ]);
  });
});
