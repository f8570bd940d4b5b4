import request from 'supertest';
import { HistoryItem } from '../support/api';
import { noAccess, notFound, validation, validationIncluding } from '../support/expected-errors';
import { fixtureDlr, mo } from '../support/link-builders';
import { resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

const PHONE = '+46701234567';
const B = 'SE.13491208655302741918';
const P = 'SE.ENT.11815799212886844830';

describe('contacts', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  beforeEach(() => resetWithAcmeAndGlobex(t));
  afterAll(() => t.close());

  // Unlike api()'s, these send the identifier as written: the forms a client may send are what this file tests.
  const get = (portfolio: string, identifier: string, secret: string = KEYS.crm) =>
    request(t.http).get(`/v1/portfolios/${portfolio}/contacts/${identifier}`).auth(secret, { type: 'bearer' });
  const history = (identifier: string, query = '') =>
    request(t.http).get(`/v1/portfolios/acme/contacts/${identifier}/history${query}`).auth(KEYS.admin, { type: 'bearer' });

  describe('GET /v1/portfolios/:portfolio/contacts/:identifier', () => {
    it('finds a contact by a BSUID of the longest form (two letters, a dot and 128 characters)', async () => {
      const longest = `SE.${'7'.repeat(128)}`;
      await t.postMo(mo(longest, { whatsappUserId: longest }, 'long-1', '2026-06-01T10:00:00Z')).expect(200);
      const res = await request(t.http).get(`/v1/portfolios/acme/contacts/${longest}`).auth(KEYS.crm, { type: 'bearer' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ bsuid: longest, sendTo: longest });
    });

    let id: string;
    beforeEach(async () => {
      const res = await t.postMo(mo(PHONE, { whatsappUserId: B, whatsappParentUserId: P }, 'get-1', '2026-06-01T10:00:00Z')).expect(200);
      id = res.body.contactIds[0];
    });

    it('answers the contact by its phone number', async () => {
      const res = await get('acme', encodeURIComponent(PHONE));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        id,
        portfolio: 'acme',
        msisdn: PHONE,
        bsuid: B,
        parentBsuid: P,
        status: 'active',
        firstSeenAt: '2026-06-01T10:00:00.000Z',
        updatedAt: expect.any(String),
        lastInboundAt: '2026-06-01T10:00:00.000Z',
        lastOutboundAt: null,
        careWindowOpenUntil: '2026-06-02T10:00:00.000Z',
        // The MO came from the phone after April 2026: the contact book keeps it arriving.
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
    });

    it.each([
      ['E.164 with an unencoded +', PHONE],
      ['00 prefix', '0046701234567'],
      ['spaces and dashes', encodeURIComponent('+46 70-123 45 67')],
      ['digits without +', '46701234567'],
      ['local form in the region SE', '0701234567'],
      ['BSUID', B],
      ['parent BSUID', P],
    ])('answers the same contact by %s', async (_, identifier) => {
      const expected = (await get('acme', encodeURIComponent(PHONE))).body;
      const res = await get('acme', identifier);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(expected);
      expect(res.body.id).toBe(id);
    });

    it('answers the same contact by its id, in either case', async () => {
      const expected = (await get('acme', PHONE)).body;
      for (const identifier of [id, id.toUpperCase()]) {
        const res = await get('acme', identifier);
        expect(res.status).toBe(200);
        expect(res.body).toEqual(expected);
      }
    });

    it.each([
      ['an unknown phone number', '+46709999999', ['+46709999999', '46709999999']],
      ['an unknown phone number in local form', '0709999999', ['+46709999999', '0709999999']],
      ['an unknown BSUID', 'SE.99999999999999999999', ['SE.99999999999999999999']],
      ['an unknown parent BSUID', 'SE.ENT.99999999999999999999', ['SE.ENT.99999999999999999999']],
      ['an unknown contact id', '00000000-0000-4000-8000-000000000000', []],
    ])('answers 404 112904 for %s, without spelling it out', async (_, identifier, hidden) => {
      const res = await get('acme', encodeURIComponent(identifier));
      expect(res.status).toBe(404);
      expect(res.body).toEqual(notFound);
      for (const value of hidden) expect(res.body.description).not.toContain(value);
    });

    it.each(['hello', 'null', 'SE.', 'SE.ENT.', 'se.13491208655302741918', '+460000000000', 'SE.00000'])(
      'answers 400 112506 naming identifier for %s',
      async (identifier) => {
        const res = await get('acme', encodeURIComponent(identifier));
        expect(res.status).toBe(400);
        expect(res.body).toEqual(validation('identifier'));
      },
    );

    it('shows nothing of a contact to another portfolio, not even by its id', async () => {
      for (const identifier of [PHONE, B, P, id]) {
        const res = await get('globex', encodeURIComponent(identifier), KEYS.globexAdmin);
        expect(res.status).toBe(404);
        expect(res.body).toEqual(notFound);
      }
      const foreign = await get('acme', id, KEYS.globexAdmin);
      expect(foreign.status).toBe(403);
      expect(foreign.body).toEqual(noAccess);
    });

    it('keeps the same phone in two portfolios as two contacts', async () => {
      const other = await t.postMo(mo(PHONE, null, 'get-2', '2026-06-01T11:00:00Z', '+47000000000')).expect(200);
      expect(other.body.portfolio).toBe('globex');
      const mine = await get('acme', PHONE);
      const theirs = await get('globex', PHONE, KEYS.globexAdmin);
      expect(mine.body).toMatchObject({ id, portfolio: 'acme', bsuid: B });
      expect(theirs.body).toMatchObject({ id: other.body.contactIds[0], portfolio: 'globex', bsuid: null });
      expect(theirs.body.id).not.toBe(id);
    });

    it('answers 404 for a portfolio that does not exist', async () => {
      const res = await get('nosuch', PHONE, KEYS.admin);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(notFound);
    });
  });

  it("reads a local number in the country of the portfolio's business number, as its webhooks are read", async () => {
    await t.putPortfolio('britco', { businessNumbers: ['+447000000000'] });
    const created = await t.postMo(mo('07700 900123', null, 'uk-1', '2026-06-01T10:00:00Z', '+447000000000')).expect(200);
    expect(await t.contactsOf('britco')).toEqual([expect.objectContaining({ msisdn: '+447700900123' })]);
    const res = await get('britco', '07700900123', KEYS.admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: created.body.contactIds[0], msisdn: '+447700900123' });
  });

  describe('merged contacts', () => {
    let older: string;
    let younger: string;
    beforeEach(async () => {
      older = (await t.postMo(mo(PHONE, null, 'merge-1', '2026-06-01T10:00:00Z')).expect(200)).body.contactIds[0];
      younger = (await t.postMo(mo(B, { whatsappUserId: B }, 'merge-2', '2026-06-01T11:00:00Z')).expect(200)).body.contactIds[0];
      expect(younger).not.toBe(older);
      const linked = await t.postDlr(fixtureDlr({ destination: PHONE }, 'merge-3', '2026-06-01T12:00:00Z')).expect(200);
      expect(linked.body).toEqual({ status: 'applied', portfolio: 'acme', contactIds: [older] });
    });

    it('answers a merged-away id with the surviving, older contact', async () => {
      const expected = {
        id: older,
        portfolio: 'acme',
        msisdn: PHONE,
        bsuid: B,
        parentBsuid: null,
        status: 'active',
        firstSeenAt: '2026-06-01T10:00:00.000Z',
        updatedAt: expect.any(String),
        lastInboundAt: '2026-06-01T11:00:00.000Z',
        lastOutboundAt: '2026-06-01T12:00:00.000Z',
        careWindowOpenUntil: '2026-06-02T11:00:00.000Z',
        phoneVisibleUntil: null,
        phoneVisibility: 'contactBook',
        contactBookAt: '2026-06-01T10:00:00.000Z',
        externalId: null,
        username: null,
        marketing: null,
        sendTo: PHONE,
        sendToKind: 'msisdn',
        sendToReason: expect.any(String),
      };
      for (const identifier of [younger, older, PHONE, B]) {
        const res = await get('acme', identifier);
        expect(res.status).toBe(200);
        expect(res.body).toEqual(expected);
      }
      expect(await t.contactsOf('acme')).toEqual([{ id: older, msisdn: PHONE, bsuid: B, parentBsuid: null }]);
      const merged = await t.dataSource.query('SELECT merged_into, msisdn, bsuid FROM contact WHERE id = $1', [younger]);
      expect(merged).toEqual([{ merged_into: older, msisdn: null, bsuid: null }]);
    });

    it('answers the history of both contacts through the merged-away id', async () => {
      const byYounger = await history(younger);
      const byOlder = await history(older);
      expect(byYounger.status).toBe(200);
      expect(byYounger.body).toEqual(byOlder.body);
      expect(byYounger.body.contact.id).toBe(older);
      expect(byYounger.body.items.map((item: HistoryItem) => [item.action, item.field, item.evidence.messageId])).toEqual([
        ['linked', 'bsuid', 'merge-3'],
        ['unlinked', 'bsuid', 'merge-3'],
        ['merged', null, 'merge-3'],
        ['linked', 'bsuid', 'merge-2'],
        ['created', null, 'merge-2'],
        ['linked', 'msisdn', 'merge-1'],
        ['created', null, 'merge-1'],
      ]);
      expect(byYounger.body.nextCursor).toBeNull();
    });
  });

  describe('GET /v1/portfolios/:portfolio/contacts/:identifier/history', () => {
    beforeEach(async () => {
      await t.postMo(mo(PHONE, null, 'h-1', '2026-06-01T10:00:00Z')).expect(200);
      await t.postMo(mo(B, { whatsappUserId: B }, 'h-2', '2026-06-01T11:00:00Z')).expect(200);
      await t.postDlr(fixtureDlr({ destination: PHONE }, 'h-3', '2026-06-01T12:00:00Z')).expect(200);
    });

    /** Follows nextCursor from the first page to the last. */
    async function readAll(limit: number, between?: () => Promise<unknown>): Promise<HistoryItem[]> {
      const items: HistoryItem[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await history(encodeURIComponent(PHONE), `?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(limit);
        expect(res.body.items.length).toBeGreaterThan(0);
        items.push(...res.body.items);
        cursor = res.body.nextCursor;
        if (pages++ === 0 && between) await between();
      } while (cursor !== null && pages < 50);
      return items;
    }

    function expectNewestFirst(items: HistoryItem[]): void {
      const ids = items.map((item) => BigInt(item.id));
      ids.slice(1).forEach((id, index) => expect(id < ids[index]).toBe(true));
    }

    it('answers the contact and its history, newest first', async () => {
      const contact = (await get('acme', PHONE)).body;
      expect(contact).toMatchObject({ msisdn: PHONE, bsuid: B, portfolio: 'acme' });
      const res = await history(encodeURIComponent(PHONE), '?limit=1');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        contact,
        items: [
          {
            id: expect.any(String),
            contactId: contact.id,
            action: 'linked',
            field: 'bsuid',
            from: null,
            to: B,
            otherContactId: expect.any(String),
            strength: 'attested',
            // DLRs name no business number: acme's only one is taken as the sender.
            evidence: { kind: 'DLR', messageId: 'h-3', resultCode: 112006, businessNumber: '+46000000000' },
            eventAt: '2026-06-01T12:00:00.000Z',
            recordedAt: expect.any(String),
          },
        ],
        nextCursor: res.body.items[0].id,
      });
    });

    it('pages with limit and nextCursor, each item once, newest first', async () => {
      const all = (await history(encodeURIComponent(PHONE), '?limit=500')).body.items as HistoryItem[];
      expect(all).toHaveLength(7);
      expectNewestFirst(all);
      for (const limit of [1, 2, 4, 7]) {
        const paged = await readAll(limit);
        expect(paged).toEqual(all);
      }
    });

    it('neither repeats nor skips older items when a webhook writes between two page reads', async () => {
      const before = (await history(encodeURIComponent(PHONE), '?limit=500')).body.items as HistoryItem[];
      const paged = await readAll(2, () =>
        t.postMo(mo(PHONE, { whatsappUserId: B, whatsappParentUserId: P }, 'h-4', '2026-06-01T13:00:00Z')).expect(200),
      );
      expect(paged).toEqual(before);
      expect(new Set(paged.map((item) => item.id)).size).toBe(paged.length);
      expectNewestFirst(paged);

      const after = (await history(encodeURIComponent(PHONE), '?limit=2')).body.items as HistoryItem[];
      expect(after.map((item) => [item.action, item.field, item.evidence.messageId])).toEqual([
        ['linked', 'parentBsuid', 'h-4'],
        ['linked', 'bsuid', 'h-3'],
      ]);
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['limit=two', 'limit'],
      ['limit=1.5', 'limit'],
      ['cursor=abc', 'cursor'],
      ['cursor=-1', 'cursor'],
      ['cursor=9999999999999999999', 'cursor'],
    ])('answers 400 112506 for %s', async (query, field) => {
      const res = await history(encodeURIComponent(PHONE), `?${query}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(validationIncluding(field));
    });

    it('answers 404 for an unknown contact and 400 for an invalid identifier', async () => {
      const unknown = await history(encodeURIComponent('+46709999999'));
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual(notFound);
      const invalid = await history('hello');
      expect(invalid.status).toBe(400);
      expect(invalid.body).toEqual(validation('identifier'));
    });
  });
});
