import request from 'supertest';
import { api, HistoryItem } from '../support/api';
import { noAccess, notFound, validation } from '../support/expected-errors';
import { fixtureDlr, mo, sendMo } from '../support/link-builders';
import { ACME, GLOBEX } from '../support/portfolios';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

const PHONE = '+46701234567';
const B = 'SE.13491208655302741918';
const P = 'SE.ENT.11815799212886844830';
const B2 = 'SE.22222222222222222222';
const B3 = 'SE.33333333333333333333';
/** The identifiers above as the erasure answers them: masked. */
const MASKED = {
  [PHONE]: '+4670*****67',
  [B]: 'SE.13****************18',
  [P]: 'SE.EN********************30',
  [B2]: 'SE.22****************22',
};

describe('DELETE /v1/portfolios/:portfolio/contacts/:identifier', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  beforeEach(async () => {
    await t.resetDatabase();
    // globex only where a test needs it.
    await t.putPortfolio('acme', ACME);
  });
  afterAll(() => t.close());

  const send = (body: Record<string, unknown>) => sendMo(t, body);
  const { get, history, erase, importContacts } = api(() => t);
  const count = async (sql: string, params: unknown[] = []): Promise<number> => Number((await t.dataSource.query(sql, params))[0].n);
  /** Rows of each table that still name the contacts, by id. */
  const rowsOf = async (ids: string[]) => ({
    contact: await count('SELECT count(*) AS n FROM contact WHERE id = ANY($1::uuid[]) OR merged_into = ANY($1::uuid[])', [ids]),
    history: await count(
      'SELECT count(*) AS n FROM link_history WHERE contact_id = ANY($1::uuid[]) OR other_contact_id = ANY($1::uuid[])',
      [ids],
    ),
    exchanges: await count('SELECT count(*) AS n FROM contact_exchange WHERE contact_id = ANY($1::uuid[])', [ids]),
    conflicts: await count(
      'SELECT count(*) AS n FROM link_conflict WHERE contact_id = ANY($1::uuid[]) OR other_contact_id = ANY($1::uuid[])',
      [ids],
    ),
  });
  const none = { contact: 0, history: 0, exchanges: 0, conflicts: 0 };
  /** Rows anywhere that still carry `value`, read as text (values, snapshots, evidence). */
  const traces = async (value: string, portfolio = 'acme') => ({
    contact: await count(`SELECT count(*) AS n FROM contact WHERE portfolio = $2 AND row_to_json(contact)::text LIKE '%' || $1 || '%'`, [
      value,
      portfolio,
    ]),
    history: await count(
      `SELECT count(*) AS n FROM link_history WHERE portfolio = $2 AND row_to_json(link_history)::text LIKE '%' || $1 || '%'`,
      [value, portfolio],
    ),
    conflicts: await count(
      `SELECT count(*) AS n FROM link_conflict WHERE portfolio = $2 AND row_to_json(link_conflict)::text LIKE '%' || $1 || '%'`,
      [value, portfolio],
    ),
    contactBook: await count('SELECT count(*) AS n FROM contact_book_entry WHERE portfolio = $2 AND msisdn = $1', [value, portfolio]),
  });
  const gone = { contact: 0, history: 0, conflicts: 0, contactBook: 0 };
  const expectHidden = (body: unknown, values: string[]) => {
    const text = JSON.stringify(body);
    for (const value of values) expect(text).not.toContain(value);
  };

  describe('a contact known by phone, BSUID and parent BSUID', () => {
    let id: string;
    beforeEach(async () => {
      id = await send(mo(PHONE, { whatsappUserId: B, whatsappParentUserId: P }, 'e-1', '2026-06-01T10:00:00Z'));
      const dlr = fixtureDlr({ destination: PHONE, whatsappUserId: B }, 'e-2', '2026-06-01T11:00:00Z');
      expect((await t.postDlr(dlr).expect(200)).body.contactIds).toEqual([id]);
    });

    it.each([
      ['its phone number', () => PHONE],
      ['its phone number in local form', () => '0701234567'],
      ['its BSUID', () => B],
      ['its parent BSUID', () => P],
      ['its contact id', () => id],
      ['its contact id in upper case', () => id.toUpperCase()],
    ])('erases it by %s, leaving no row and no trace of its identifiers', async (_, identifier) => {
      const before = await rowsOf([id]);
      expect(before.history).toBeGreaterThan(0);
      expect(before.exchanges).toBeGreaterThan(0);
      for (const value of [PHONE, B, P]) expect((await traces(value)).history).toBeGreaterThan(0);

      const res = await erase(identifier());
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        contactIds: [id],
        identifiers: [
          { field: 'msisdn', value: MASKED[PHONE] },
          { field: 'bsuid', value: MASKED[B] },
          { field: 'parentBsuid', value: MASKED[P] },
        ],
        historyRows: before.history,
        conflicts: 0,
        exchanges: before.exchanges,
        contactBookEntries: 1,
        redactedHistoryRows: 0,
      });
      expectHidden(res.body, [PHONE, B, P, '46701234567', '13491208655302741918', '11815799212886844830']);

      for (const gone404 of [PHONE, B, P, id]) {
        const after = await get(gone404);
        expect(after.status).toBe(404);
        expect(after.body).toEqual(notFound);
      }
      expect(await rowsOf([id])).toEqual(none);
      for (const value of [PHONE, B, P]) expect(await traces(value)).toEqual(gone);
      expect(await t.contactsOf('acme')).toEqual([]);
    });

    it('answers 404 to a second erasure', async () => {
      await erase(PHONE).expect(200);
      const again = await erase(PHONE);
      expect(again.status).toBe(404);
      expect(again.body).toEqual(notFound);
      const byId = await erase(id);
      expect(byId.status).toBe(404);
      expect(byId.body).toEqual(notFound);
    });

    it('learns the phone again from a later webhook, as a new contact', async () => {
      await erase(B).expect(200);
      const again = await send(mo(PHONE, null, 'e-3', '2026-06-02T10:00:00Z'));
      expect(again).not.toBe(id);
      const res = await get(PHONE);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: again, msisdn: PHONE, bsuid: null, parentBsuid: null, firstSeenAt: '2026-06-02T10:00:00.000Z' });
      expect(await t.contactsOf('acme')).toEqual([{ id: again, msisdn: PHONE, bsuid: null, parentBsuid: null }]);
      expect((await get(B)).status).toBe(404);
    });

    it.each([
      ['a read key', KEYS.crm],
      ["another portfolio's admin key", KEYS.globexAdmin],
    ])('answers 403 112401 to %s, and erases nothing', async (_, secret) => {
      const before = await rowsOf([id]);
      const res = await erase(PHONE, secret);
      expect(res.status).toBe(403);
      expect(res.body).toEqual(noAccess);
      expect(await rowsOf([id])).toEqual(before);
      expect((await get(PHONE)).body).toMatchObject({ id, msisdn: PHONE, bsuid: B, parentBsuid: P });
    });

    it('answers 404 112904 for an unknown identifier, and erases nothing', async () => {
      const before = await rowsOf([id]);
      for (const unknown of ['+46709999999', 'SE.99999999999999999999', '00000000-0000-4000-8000-000000000000']) {
        const res = await erase(unknown);
        expect(res.status).toBe(404);
        expect(res.body).toEqual(notFound);
      }
      expect(await rowsOf([id])).toEqual(before);
    });

    it.each(['hello', 'null', 'SE.', '+460000000000'])('answers 400 112506 for the invalid identifier %s', async (invalid) => {
      const res = await erase(invalid);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(validation('identifier'));
      expect(await t.contactsOf('acme')).toEqual([{ id, msisdn: PHONE, bsuid: B, parentBsuid: P }]);
    });

    it('leaves a contact with the same phone in another portfolio alone', async () => {
      await t.putPortfolio('globex', GLOBEX);
      const theirs = await send(mo(PHONE, { whatsappUserId: B }, 'g-1', '2026-06-01T12:00:00Z', '+47000000000'));
      expect(theirs).not.toBe(id);
      const theirHistory = await count('SELECT count(*) AS n FROM link_history WHERE contact_id = $1', [theirs]);

      const res = await erase(PHONE);
      expect(res.status).toBe(200);
      expect(res.body.contactIds).toEqual([id]);

      const still = await get(PHONE, KEYS.globexAdmin, 'globex');
      expect(still.status).toBe(200);
      expect(still.body).toMatchObject({ id: theirs, portfolio: 'globex', msisdn: PHONE, bsuid: B });
      expect(await t.contactsOf('globex')).toEqual([{ id: theirs, msisdn: PHONE, bsuid: B, parentBsuid: null }]);
      expect(await count('SELECT count(*) AS n FROM link_history WHERE contact_id = $1', [theirs])).toBe(theirHistory);
      expect(await count('SELECT count(*) AS n FROM contact_exchange WHERE contact_id = $1', [theirs])).toBe(1);
      expect((await traces(PHONE, 'globex')).history).toBeGreaterThan(0);
      expect(await traces(PHONE)).toEqual(gone);
    });

    it("does not let another portfolio's admin erase a contact through its own portfolio", async () => {
      await t.putPortfolio('globex', GLOBEX);
      const res = await erase(id, KEYS.globexAdmin, 'globex');
      expect(res.status).toBe(404);
      expect(res.body).toEqual(notFound);
      expect(await t.contactsOf('acme')).toEqual([{ id, msisdn: PHONE, bsuid: B, parentBsuid: P }]);
    });
  });

  describe('a merged family', () => {
    let older: string;
    let younger: string;
    beforeEach(async () => {
      older = await send(mo(PHONE, null, 'f-1', '2026-06-01T10:00:00Z'));
      younger = await send(mo(B, { whatsappUserId: B }, 'f-2', '2026-06-01T11:00:00Z'));
      expect(await send(mo(PHONE, { whatsappUserId: B }, 'f-3', '2026-06-01T12:00:00Z'))).toBe(older);
      expect(await t.dataSource.query('SELECT merged_into FROM contact WHERE id = $1', [younger])).toEqual([{ merged_into: older }]);
    });

    it.each([
      ['the survivor', () => older],
      ['the merged-away id', () => younger],
      ['the BSUID the merged contact brought', () => B],
    ])('erases the survivor and the contact merged into it, through %s', async (_, identifier) => {
      const before = await rowsOf([older, younger]);
      expect(before.contact).toBe(2);

      const res = await erase(identifier());
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        contactIds: expect.arrayContaining([older, younger]),
        identifiers: [
          { field: 'msisdn', value: MASKED[PHONE] },
          { field: 'bsuid', value: MASKED[B] },
        ],
        historyRows: before.history,
        conflicts: 0,
        exchanges: before.exchanges,
        contactBookEntries: 1,
        redactedHistoryRows: 0,
      });
      expect(res.body.contactIds).toHaveLength(2);
      expectHidden(res.body, [PHONE, B]);

      for (const identifier of [PHONE, B, older, younger]) expect((await get(identifier)).status).toBe(404);
      expect(await rowsOf([older, younger])).toEqual(none);
      for (const value of [PHONE, B]) expect(await traces(value)).toEqual(gone);
    });
  });

  it("blanks the phone in the merge snapshot of the number's previous holder, which can still be split", async () => {
    const BY = 'SE.55555555555555555555';
    const BP = 'SE.66666666666666666666';
    const holder = await send(mo(PHONE, null, 'x-1', '2026-06-01T08:00:00Z'));
    await send(mo(BY, { whatsappUserId: BY }, 'y-1', '2026-06-01T09:00:00Z'));
    await send(mo(PHONE, { whatsappUserId: BY }, 'xy-1', '2026-06-01T10:00:00Z')); // merges into the holder
    await send(mo(PHONE, { whatsappUserId: BP }, 'p-1', '2026-06-02T10:00:00Z')); // the number goes to a new BSUID
    const [merge] = await t.dataSource.query(`SELECT id FROM link_history WHERE action = 'merged'`);

    expect((await erase(BP)).status).toBe(200);

    expect(await traces(PHONE)).toEqual(gone);
    const [kept] = await t.dataSource.query(`SELECT snapshot FROM link_history WHERE id = $1`, [merge.id]);
    expect(kept.snapshot).toMatchObject({ survivor: { id: holder, msisdn: null }, merged: { bsuid: BY } });
    const split = await request(t.http)
      .post(`/v1/portfolios/acme/contacts/${holder}/history/${merge.id}/split`)
      .auth(KEYS.admin, { type: 'bearer' });
    expect(split.status).toBe(200);
    expect(split.body).toMatchObject({ restored: { bsuid: BY, msisdn: null }, restoredIdentifiers: ['bsuid'] });
  });

  describe('a phone that moved to another contact', () => {
    let first: string;
    let second: string;
    beforeEach(async () => {
      first = await send(mo(PHONE, { whatsappUserId: B }, 'r-1', '2026-06-01T10:00:00Z'));
      // Rule 4: the phone is paired with a new BSUID (a recycled number) and moves.
      second = await send(mo(PHONE, { whatsappUserId: B2 }, 'r-2', '2026-06-01T11:00:00Z'));
      expect(second).not.toBe(first);
      expect(await t.contactsOf('acme')).toEqual([
        { id: first, msisdn: null, bsuid: B, parentBsuid: null },
        { id: second, msisdn: PHONE, bsuid: B2, parentBsuid: null },
      ]);
    });

    it("erasing the phone's holder keeps the former holder and its BSUID, and blanks the phone in its rows", async () => {
      const naming = ((await history(B)).body.items as HistoryItem[]).filter((item) => item.otherContactId === second);
      expect(naming).toEqual([expect.objectContaining({ contactId: first, action: 'unlinked', field: 'msisdn', from: PHONE, to: null })]);
      const before = await rowsOf([second]);

      const res = await erase(PHONE);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        contactIds: [second],
        identifiers: [
          { field: 'msisdn', value: MASKED[PHONE] },
          { field: 'bsuid', value: MASKED[B2] },
        ],
        historyRows: before.history - naming.length,
        conflicts: 0,
        exchanges: before.exchanges,
        contactBookEntries: 1,
        // The rows that name the erased contact, and the former holder's own row that linked the phone.
        redactedHistoryRows: naming.length + 1,
      });
      expectHidden(res.body, [PHONE, B2]);

      const kept = await get(B);
      expect(kept.status).toBe(200);
      expect(kept.body).toMatchObject({ id: first, msisdn: null, bsuid: B });
      expect((await get(PHONE)).status).toBe(404);
      expect((await get(B2)).status).toBe(404);
      expect(await rowsOf([second])).toEqual(none);
      expect(await traces(B2)).toEqual(gone);
      expect(await traces(PHONE)).toEqual(gone);
      expect((await traces(B)).history).toBeGreaterThan(0);

      const after = (await history(B)).body.items as HistoryItem[];
      for (const row of naming) {
        const redacted = after.find((item) => item.id === row.id);
        expect(redacted).toMatchObject({
          contactId: first,
          action: 'unlinked',
          field: 'msisdn',
          from: null,
          to: null,
          otherContactId: null,
        });
      }
      const redactedRows = await t.dataSource.query(
        'SELECT row_to_json(link_history)::text AS text FROM link_history WHERE id = ANY($1::bigint[])',
        [naming.map((row) => row.id)],
      );
      expect(redactedRows).toHaveLength(naming.length);
      for (const { text } of redactedRows) {
        expect(text).not.toContain(PHONE);
        expect(text).not.toContain(second);
      }
    });

    it('erasing the former holder leaves the phone with the contact that holds it now', async () => {
      const naming = await count('SELECT count(*) AS n FROM link_history WHERE contact_id = $1 AND other_contact_id = $2', [second, first]);
      expect(naming).toBeGreaterThan(0);
      const before = await rowsOf([first]);

      const res = await erase(B);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        contactIds: [first],
        identifiers: [{ field: 'bsuid', value: MASKED[B] }],
        historyRows: before.history - naming,
        conflicts: 0,
        exchanges: before.exchanges,
        // The phone stays with its holder now, and so does its contact-book entry.
        contactBookEntries: 0,
        redactedHistoryRows: naming,
      });
      expectHidden(res.body, [PHONE, B]);

      const holder = await get(PHONE);
      expect(holder.status).toBe(200);
      expect(holder.body).toMatchObject({ id: second, msisdn: PHONE, bsuid: B2 });
      expect(await t.contactsOf('acme')).toEqual([{ id: second, msisdn: PHONE, bsuid: B2, parentBsuid: null }]);
      expect((await get(B)).status).toBe(404);
      expect(await rowsOf([first])).toEqual(none);
      expect(await traces(B)).toEqual(gone);
      expect((await traces(PHONE)).contactBook).toBe(1);

      const items = (await history(PHONE)).body.items as HistoryItem[];
      expect(items.map((item) => [item.contactId, item.action, item.field, item.from, item.to, item.otherContactId])).toEqual([
        [second, 'linked', 'msisdn', null, PHONE, null],
        [second, 'linked', 'bsuid', null, B2, null],
        [second, 'created', null, null, null, null],
      ]);
    });
  });

  it('removes an import conflict that claimed the phone before the erased contact held it, and every trace of the phone', async () => {
    const m2 = '+46709876543';
    const other = await send(mo(m2, { whatsappUserId: B3 }, 'c-0', '2026-06-01T09:00:00Z'));
    // A CRM claims the phone for a contact that has another one, attested: a conflict naming nobody else.
    const imported = await importContacts([{ bsuid: B3, msisdn: PHONE }]);
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ conflicts: 1 });
    expect(await t.dataSource.query('SELECT contact_id, other_contact_id, claimed_value FROM link_conflict')).toEqual([
      { contact_id: other, other_contact_id: null, claimed_value: PHONE },
    ]);
    // Later Meta attests the phone as another person's.
    const id = await send(mo(PHONE, { whatsappUserId: B }, 'c-1', '2026-06-01T10:00:00Z'));
    expect(id).not.toBe(other);

    const res = await erase(PHONE);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ contactIds: [id], conflicts: 1 });
    expect(await count('SELECT count(*) AS n FROM link_conflict')).toBe(0);
    expect(await traces(B)).toEqual(gone);
    expect(await traces(PHONE)).toEqual(gone);
    expect((await get(B3)).body).toMatchObject({ id: other, msisdn: m2, bsuid: B3 });
  });

  it('removes an import conflict that claimed the erased phone', async () => {
    const id = await send(mo(PHONE, { whatsappUserId: B }, 'c-1', '2026-06-01T10:00:00Z'));
    const imported = await importContacts([{ msisdn: PHONE, bsuid: B3 }]);
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ conflicts: 1 });
    expect(await count('SELECT count(*) AS n FROM link_conflict WHERE claimed_value = $1', [PHONE])).toBe(1);
    const claimant = (await get(B3)).body.id as string;
    expect(claimant).not.toBe(id);
    const own = await count('SELECT count(*) AS n FROM link_history WHERE contact_id = $1', [id]);

    const res = await erase(PHONE);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      contactIds: [id],
      identifiers: [
        { field: 'msisdn', value: MASKED[PHONE] },
        { field: 'bsuid', value: MASKED[B] },
      ],
      historyRows: own,
      conflicts: 1,
      exchanges: 1,
      contactBookEntries: 1,
      redactedHistoryRows: 1,
    });
    expect(await count('SELECT count(*) AS n FROM link_conflict')).toBe(0);
    const list = await request(t.http).get('/v1/portfolios/acme/conflicts').auth(KEYS.admin, { type: 'bearer' });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ items: [], nextCursor: null });
    expect(await traces(PHONE)).toEqual(gone);
    expect(await traces(B)).toEqual(gone);
    // The claimant is another person (or nobody): it stays, without the erased phone.
    expect((await get(B3)).body).toMatchObject({ id: claimant, msisdn: null, bsuid: B3 });
  });
});
