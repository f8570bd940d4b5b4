// Phone visibility that follows Meta's contact book: an exchange by phone number on or after
// CONTACT_BOOK_SINCE (2026-04-01 by default) keeps the phone arriving in webhooks with no end.
import request from 'supertest';
import { api, HistoryItem } from '../support/api';
import { FakeLink, startFakeLink } from '../support/fake-link';
import { acmeDlr, messageRequest, mo, sendMo } from '../support/link-builders';
import { ACME_NUMBER, GLOBEX_NUMBER, resetWithAcmeAndGlobex } from '../support/portfolios';
import { DAY, HOUR } from '../support/search-seed';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

const PHONE = '+46701234567';
const BSUID = 'SE.13491208655302741918';
const OTHER_PHONE = '+46707654321';
const OTHER_BSUID = 'SE.22222222222222222222';
const IMPORTED_PHONE = '+46705550000';

interface Entry {
  portfolio: string;
  msisdn: string;
  businessNumber: string;
  enteredAt: string;
}

describe("phone visibility and Meta's contact book", () => {
  let t: TestApp;
  let link: FakeLink;
  const requests = api(() => t);
  beforeAll(async () => {
    link = await startFakeLink();
    t = await createTestApp({ linkBaseUrl: link.baseUrl, linkUsername: 'link-user', linkPassword: 'link-pass' });
  });
  beforeEach(async () => {
    link.reset();
    await resetWithAcmeAndGlobex(t);
  });
  afterAll(async () => {
    await t.close();
    await link.close();
  });

  const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
  const plus30Days = (iso: string) => new Date(Date.parse(iso) + 30 * DAY).toISOString();
  const get = async (identifier: string) => {
    const res = await requests.get(identifier);
    expect(res.status).toBe(200);
    return res.body;
  };
  const list = (query: string, secret: string = KEYS.admin, portfolio = 'acme') =>
    request(t.http).get(`/v1/portfolios/${portfolio}/contacts?${query}`).auth(secret, { type: 'bearer' });
  const listIds = async (query: string): Promise<string[]> => {
    const res = await list(`limit=1000&${query}`);
    expect(res.status).toBe(200);
    return (res.body.items as { id: string }[]).map((item) => item.id).sort();
  };
  const stats = async (query = '') => {
    const res = await request(t.http).get(`/v1/portfolios/acme/stats${query}`).auth(KEYS.admin, { type: 'bearer' });
    expect(res.status).toBe(200);
    return res.body;
  };
  const entries = (): Promise<Entry[]> =>
    t.dataSource.query(
      `SELECT portfolio, msisdn, business_number AS "businessNumber", to_char(entered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "enteredAt"
       FROM contact_book_entry ORDER BY portfolio, msisdn, business_number`,
    );
  const sorted = (...ids: string[]) => [...ids].sort();

  describe('an MO', () => {
    it('from the phone number after the launch puts the contact in the contact book: no end to phone visibility, not at risk, not in the worklist', async () => {
      const at = ago(27 * DAY);
      const id = await sendMo(t, mo(PHONE, { whatsappUserId: BSUID }, 'cb-1', at));

      expect(await get(PHONE)).toEqual({
        id,
        portfolio: 'acme',
        msisdn: PHONE,
        bsuid: BSUID,
        parentBsuid: null,
        status: 'active',
        firstSeenAt: at,
        updatedAt: expect.any(String),
        lastInboundAt: at,
        lastOutboundAt: null,
        careWindowOpenUntil: new Date(Date.parse(at) + DAY).toISOString(),
        phoneVisibleUntil: null,
        phoneVisibility: 'contactBook',
        contactBookAt: at,
        externalId: null,
        username: null,
        marketing: null,
        sendTo: PHONE,
        sendToKind: 'msisdn',
        sendToReason: expect.any(String),
      });
      expect(await entries()).toEqual([{ portfolio: 'acme', msisdn: PHONE, businessNumber: ACME_NUMBER, enteredAt: at }]);
      expect(await listIds('phoneVisibilityEndsWithinDays=7')).toEqual([]);
      expect(await listIds('needsContactBookEntry=true')).toEqual([]);
      expect(await listIds('needsContactBookEntry=false')).toEqual([id]);
      expect(await stats()).toMatchObject({ withPhone: 1, inContactBook: 1, needsContactBookEntry: 0, phoneVisibilityAtRisk: 0 });
    });

    it('from a BSUID, or from the phone before the launch, leaves the contact on the 30-day window: at risk and in the worklist', async () => {
      // By phone on 2026-03-01 (before the launch), then by BSUID only, 27 days ago.
      const id = await sendMo(t, mo(PHONE, { whatsappUserId: BSUID }, 'cb-1', '2026-03-01T10:00:00Z'));
      const last = ago(27 * DAY);
      expect(await sendMo(t, mo(BSUID, { whatsappUserId: BSUID }, 'cb-2', last))).toBe(id);

      expect(await get(BSUID)).toMatchObject({
        msisdn: PHONE,
        lastInboundAt: last,
        phoneVisibleUntil: plus30Days(last),
        phoneVisibility: 'window',
        contactBookAt: null,
      });
      expect(await entries()).toEqual([]);
      expect(await listIds('phoneVisibilityEndsWithinDays=7')).toEqual([id]);
      expect(await listIds('needsContactBookEntry=true')).toEqual([id]);
      expect(await stats()).toMatchObject({ withPhone: 1, inContactBook: 0, needsContactBookEntry: 1, phoneVisibilityAtRisk: 1 });
    });

    it('keeps the earliest entry whatever the arrival order, and a redelivery changes nothing', async () => {
      const later = ago(2 * DAY);
      const earlier = ago(20 * DAY);
      await sendMo(t, mo(PHONE, null, 'cb-later', later));
      await sendMo(t, mo(PHONE, null, 'cb-earlier', earlier));
      await t.postMo(mo(PHONE, null, 'cb-earlier', earlier)).expect(200);
      expect(await entries()).toEqual([{ portfolio: 'acme', msisdn: PHONE, businessNumber: ACME_NUMBER, enteredAt: earlier }]);
      expect(await get(PHONE)).toMatchObject({ phoneVisibility: 'contactBook', contactBookAt: earlier, lastInboundAt: later });
    });

    it('counts per business number: one of the portfolio having the phone in its contact book is enough', async () => {
      const second = '+46000000001';
      await t.putPortfolio('acme', { businessNumbers: [ACME_NUMBER, second], platformId: 'TEST_XA', platformPartnerId: '1', region: 'SE' });
      const first = ago(10 * DAY);
      const then = ago(DAY);
      await sendMo(t, mo(PHONE, null, 'cb-1', first, second));
      await sendMo(t, mo(PHONE, null, 'cb-2', then, ACME_NUMBER));
      expect(await entries()).toEqual([
        { portfolio: 'acme', msisdn: PHONE, businessNumber: ACME_NUMBER, enteredAt: then },
        { portfolio: 'acme', msisdn: PHONE, businessNumber: second, enteredAt: first },
      ]);
      expect(await get(PHONE)).toMatchObject({ phoneVisibility: 'contactBook', contactBookAt: first });
    });
  });

  describe('a DLR', () => {
    it('of a message sent to the phone puts the contact in the contact book; one naming only the BSUID, or a failed one, does not', async () => {
      const id = await sendMo(t, mo(PHONE, { whatsappUserId: BSUID }, 'cb-1', '2026-03-01T10:00:00Z'));
      await t.postDlr(acmeDlr(112006, { whatsappUserId: BSUID }, 'cb-d1', ago(3 * DAY))).expect(200);
      await t.postDlr(acmeDlr(112404, { destination: PHONE }, 'cb-d2', ago(3 * DAY))).expect(200);
      expect(await entries()).toEqual([]);
      expect(await get(PHONE)).toMatchObject({ phoneVisibility: 'window', contactBookAt: null });

      const sent = ago(2 * DAY);
      await t.postDlr(acmeDlr(112006, { destination: PHONE, whatsappUserId: BSUID }, 'cb-d3', sent)).expect(200);
      expect(await entries()).toEqual([{ portfolio: 'acme', msisdn: PHONE, businessNumber: ACME_NUMBER, enteredAt: sent }]);
      expect(await get(PHONE)).toMatchObject({ id, phoneVisibility: 'contactBook', phoneVisibleUntil: null, contactBookAt: sent });
    });

    it('in a portfolio of several numbers is kept under business number `unknown`, and counts', async () => {
      await t.putPortfolio('initech', { businessNumbers: ['+46000000020', '+46000000021'], platformId: 'TEST_IN', region: 'SE' });
      const sent = ago(DAY);
      const res = await t.postDlr({
        ...acmeDlr(112006, { destination: PHONE }, 'cb-d1', sent),
        customParameters: { platformId: 'TEST_IN', destination: PHONE },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'applied', portfolio: 'initech' });
      expect(await entries()).toEqual([{ portfolio: 'initech', msisdn: PHONE, businessNumber: 'unknown', enteredAt: sent }]);
      const contact = await requests.get(PHONE, KEYS.admin, 'initech');
      expect(contact.body).toMatchObject({ phoneVisibility: 'contactBook', contactBookAt: sent });
    });
  });

  describe('a send through the proxy', () => {
    const send = (destinations: string[]) =>
      request(t.http).post('/link/messages').auth('acme-sender', KEYS.sender).send(messageRequest(destinations));
    /** The proxy records a send after answering: wait (a bounded while) until it has. */
    const recorded = async <T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
      let value = await read();
      for (let tries = 0; tries < 100 && !done(value); tries++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        value = await read();
      }
      return value;
    };

    it('to the phone number puts the contact in the contact book; one to the BSUID does not', async () => {
      const id = await sendMo(t, mo(PHONE, { whatsappUserId: BSUID }, 'cb-1', '2026-03-01T10:00:00Z'));
      const other = await sendMo(t, mo(OTHER_BSUID, { whatsappUserId: OTHER_BSUID }, 'cb-2', '2026-03-01T10:00:00Z'));
      // The BSUID-only contact gets its phone from a CRM: a send to its BSUID is no exchange by phone.
      expect((await requests.importContacts([{ msisdn: OTHER_PHONE, bsuid: OTHER_BSUID }])).status).toBe(200);

      link.enqueue({ status: 200, body: { resultCode: 112001, description: 'queued', messageIds: ['id-1'] } });
      await send([OTHER_BSUID]).expect(200);
      const bsuidSend = await recorded(
        () => get(OTHER_BSUID),
        (contact) => contact.lastOutboundAt !== null,
      );
      expect(bsuidSend).toMatchObject({ id: other, msisdn: OTHER_PHONE, phoneVisibility: 'window', contactBookAt: null });

      link.enqueue({ status: 200, body: { resultCode: 112001, description: 'queued', messageIds: ['id-2'] } });
      await send([PHONE]).expect(200);
      const rows = await recorded(entries, (found) => found.length > 0);
      expect(rows).toEqual([{ portfolio: 'acme', msisdn: PHONE, businessNumber: ACME_NUMBER, enteredAt: expect.any(String) }]);
      expect(Math.abs(Date.parse(rows[0].enteredAt) - Date.now())).toBeLessThan(60 * 60_000);
      expect(await get(PHONE)).toMatchObject({
        id,
        phoneVisibility: 'contactBook',
        phoneVisibleUntil: null,
        contactBookAt: rows[0].enteredAt,
      });
      expect(await listIds('needsContactBookEntry=true')).toEqual([other]);
    });
  });

  describe('GET /v1/portfolios/:portfolio/contacts?needsContactBookEntry=true', () => {
    let ids: Record<'inBook' | 'window' | 'imported' | 'bsuidOnly' | 'noPhoneInBook', string>;
    beforeEach(async () => {
      ids = {
        inBook: await sendMo(t, mo(PHONE, { whatsappUserId: BSUID }, 'w-1', ago(5 * DAY))),
        window: await sendMo(t, mo('+46701000002', { whatsappUserId: 'SE.20000000000000000002' }, 'w-2', '2026-03-15T10:00:00Z')),
        bsuidOnly: await sendMo(t, mo(OTHER_BSUID, { whatsappUserId: OTHER_BSUID }, 'w-3', ago(HOUR))),
        imported: '',
        noPhoneInBook: '',
      };
      const report = await requests.importContacts([{ msisdn: IMPORTED_PHONE, externalId: 'crm-1' }]);
      expect(report.status).toBe(200);
      ids.imported = (await get(IMPORTED_PHONE)).id;
      await sendMo(t, mo(OTHER_PHONE, null, 'w-4', ago(HOUR), GLOBEX_NUMBER));
    });

    it('lists the contacts with a phone that no exchange by phone has logged into the contact book yet', async () => {
      expect(await listIds('needsContactBookEntry=true')).toEqual(sorted(ids.window, ids.imported));
      expect(await listIds('needsContactBookEntry=false')).toEqual(sorted(ids.inBook, ids.bsuidOnly));
      expect(await listIds('needsContactBookEntry=false&hasPhone=true')).toEqual([ids.inBook]);
      expect(await get(IMPORTED_PHONE)).toMatchObject({ phoneVisibility: 'none', phoneVisibleUntil: null, contactBookAt: null });
      expect(await get(OTHER_BSUID)).toMatchObject({ phoneVisibility: null, phoneVisibleUntil: null, contactBookAt: null });
    });

    it('combines with the other filters', async () => {
      expect(await listIds('needsContactBookEntry=true&hasBsuid=true')).toEqual([ids.window]);
      expect(await listIds('needsContactBookEntry=true&externalId=crm-1')).toEqual([ids.imported]);
      expect(await listIds('needsContactBookEntry=true&country=NO')).toEqual([]);
    });

    it('pages with limit and nextCursor, each contact once', async () => {
      const first = await list('needsContactBookEntry=true&limit=1').expect(200);
      expect(first.body.items).toHaveLength(1);
      expect(first.body.nextCursor).toBe(first.body.items[0].id);
      const second = await list(`needsContactBookEntry=true&limit=1&cursor=${first.body.nextCursor}`).expect(200);
      expect(second.body).toEqual({
        items: [expect.objectContaining({ phoneVisibility: expect.stringMatching(/^(window|none)$/) })],
        nextCursor: null,
      });
      expect(sorted(first.body.items[0].id, second.body.items[0].id)).toEqual(sorted(ids.window, ids.imported));
    });

    it('counts the contact book and the worklist in the stats; at risk are only contacts outside the contact book', async () => {
      // The window contact's last exchange (2026-03-15) is long over: push one into the next 7 days.
      await sendMo(t, mo('SE.20000000000000000002', { whatsappUserId: 'SE.20000000000000000002' }, 'w-5', ago(25 * DAY)));
      expect(await stats()).toEqual({
        contacts: 4,
        withPhone: 3,
        withBsuid: 3,
        bsuidOnly: 1,
        withParent: 0,
        invalid: 0,
        inConflict: 0,
        openConflicts: 0,
        inContactBook: 1,
        needsContactBookEntry: 2,
        phoneVisibilityAtRisk: 1,
        atRiskWithinDays: 7,
      });
      expect(await listIds('phoneVisibilityEndsWithinDays=30')).toEqual([ids.window]);
      expect((await stats('?atRiskWithinDays=30')).phoneVisibilityAtRisk).toBe(1);
    });

    it("shows another portfolio's key nothing of acme", async () => {
      const res = await list('needsContactBookEntry=true', KEYS.globexAdmin);
      expect(res.status).toBe(403);
      const own = await list('needsContactBookEntry=false', KEYS.globexAdmin, 'globex');
      expect(own.status).toBe(200);
      expect(own.body.items).toEqual([expect.objectContaining({ msisdn: OTHER_PHONE, phoneVisibility: 'contactBook' })]);
    });

    it.each(['maybe', '1', ''])('answers 400 112506 naming the filter for needsContactBookEntry=%s', async (value) => {
      const res = await list(`needsContactBookEntry=${value}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ resultCode: 112506, fields: [expect.objectContaining({ field: 'needsContactBookEntry' })] });
    });
  });

  describe('merges, splits and erasure', () => {
    it('the entry follows the phone number: a merge takes it to the survivor, a split back to the contact holding the phone', async () => {
      const byPhone = ago(10 * DAY);
      const phoneOnly = await sendMo(t, mo(PHONE, null, 'm-1', byPhone));
      const bsuidOnly = await sendMo(t, mo(BSUID, { whatsappUserId: BSUID }, 'm-2', ago(9 * DAY)));
      // A sent DLR naming both merges them.
      await t.postDlr(acmeDlr(112006, { destination: PHONE, whatsappUserId: BSUID }, 'm-3', ago(8 * DAY))).expect(200);
      const merged = await get(BSUID);
      expect(merged).toMatchObject({ id: phoneOnly, msisdn: PHONE, bsuid: BSUID, phoneVisibility: 'contactBook', contactBookAt: byPhone });

      const history = await requests.history(PHONE);
      const entry = (history.body.items as HistoryItem[]).find((item) => item.action === 'merged');
      expect(entry).toBeDefined();
      const split = await request(t.http)
        .post(`/v1/portfolios/acme/contacts/${encodeURIComponent(PHONE)}/history/${entry!.id}/split`)
        .auth(KEYS.admin, { type: 'bearer' });
      expect(split.status).toBe(200);
      const holder = split.body.contact.msisdn === PHONE ? split.body.contact : split.body.restored;
      const other = split.body.contact.msisdn === PHONE ? split.body.restored : split.body.contact;
      expect(holder).toMatchObject({ msisdn: PHONE, phoneVisibility: 'contactBook', phoneVisibleUntil: null, contactBookAt: byPhone });
      expect(other).toMatchObject({ msisdn: null, phoneVisibility: null, contactBookAt: null });
      expect(sorted(holder.id, other.id)).toEqual(sorted(phoneOnly, bsuidOnly));
    });

    it("erasing the person deletes their phone's contact-book entries", async () => {
      await sendMo(t, mo(PHONE, { whatsappUserId: BSUID }, 'e-1', ago(DAY)));
      await sendMo(t, mo(OTHER_PHONE, null, 'e-2', ago(DAY)));
      const res = await requests.erase(BSUID);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ exchanges: 1, contactBookEntries: 1 });
      expect(await entries()).toEqual([
        { portfolio: 'acme', msisdn: OTHER_PHONE, businessNumber: ACME_NUMBER, enteredAt: expect.any(String) },
      ]);
    });
  });
});

describe('CONTACT_BOOK_SINCE', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp({ contactBookSince: new Date('2026-11-01T00:00:00Z') })));
  beforeEach(() => resetWithAcmeAndGlobex(t));
  afterAll(() => t.close());

  it('counts only exchanges by phone on or after it', async () => {
    await sendMo(t, mo(PHONE, null, 's-1', '2026-10-31T23:59:59Z'));
    const before = await request(t.http)
      .get(`/v1/portfolios/acme/contacts/${encodeURIComponent(PHONE)}`)
      .auth(KEYS.admin, { type: 'bearer' });
    expect(before.body).toMatchObject({ phoneVisibility: 'window', phoneVisibleUntil: '2026-11-30T23:59:59.000Z', contactBookAt: null });
    expect(await t.dataSource.query('SELECT * FROM contact_book_entry')).toEqual([]);

    await sendMo(t, mo(PHONE, null, 's-2', '2026-11-01T00:00:00Z'));
    const after = await request(t.http)
      .get(`/v1/portfolios/acme/contacts/${encodeURIComponent(PHONE)}`)
      .auth(KEYS.admin, { type: 'bearer' });
    expect(after.body).toMatchObject({
      phoneVisibility: 'contactBook',
      phoneVisibleUntil: null,
      contactBookAt: '2026-11-01T00:00:00.000Z',
    });
  });
});
