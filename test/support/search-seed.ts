import request from 'supertest';
import { api } from './api';
import { acmeDlr as dlr, mo } from './link-builders';
import { KEYS, TestApp } from './test-app';

export const HOUR = 60 * 60 * 1000;
export const DAY = 24 * HOUR;

/**
 * The app options of the search specs: Meta's contact book launches after every seeded exchange, so
 * the phone visibility filters work on the 30-day window alone (contact-book.e2e-spec.ts covers the
 * contact book).
 */
export const BEFORE_THE_CONTACT_BOOK = { contactBookSince: new Date('2100-01-01T00:00:00Z') };

export interface Item {
  id: string;
  [field: string]: unknown;
}
export interface Page {
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
export const A_PHONE = '+46701000001';
export const B_PHONE = '+46701000002';
const B_BSUID = 'SE.20000000000000000002';
const B_PARENT = 'SE.ENT.20000000000000000002';
export const C_BSUID = 'SE.30000000000000000003';
const D_BSUID = 'NO.40000000000000000004';
const D_PARENT = 'NO.ENT.40000000000000000004';
const E_PHONE = '+4791234567';
const E_BSUID = 'NO.50000000000000000005';
const F_PHONE = '+46701000006';
const F_BSUID = 'SE.60000000000000000006';
export const G_PHONE = '+46701000007';
export const G_BSUID = 'SE.70000000000000000007';

export type Key = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g';

export interface SeededSet {
  ids: Record<Key, string>;
  /** g's BSUID-only contact, merged into g. */
  mergedAway: string;
  /** globex's one contact: a's phone, written to globex's number. */
  globexId: string;
}

/**
 * The list, stats and import routes as the search specs call them, with the admin key unless told
 * otherwise (`null` sends none). Takes a getter because specs create their TestApp in `beforeAll`.
 */
export function searchRequests(app: () => TestApp) {
  const requests = api(app);
  const list = (query = '', secret: string | null = KEYS.admin, portfolio = 'acme') => {
    const req = request(app().http).get(`/v1/portfolios/${portfolio}/contacts${query}`);
    if (secret !== null) req.auth(secret, { type: 'bearer' });
    return req;
  };
  const stats = (query = '', secret: string | null = KEYS.admin, portfolio = 'acme') => {
    const req = request(app().http).get(`/v1/portfolios/${portfolio}/stats${query}`);
    if (secret !== null) req.auth(secret, { type: 'bearer' });
    return req;
  };
  const importContacts = async (contacts: Record<string, unknown>[]) => {
    const res = await requests.importContacts(contacts);
    expect(res.status).toBe(200);
    return res.body;
  };
  return { requests, list, stats, importContacts };
}

/** Reads lists as the letters of the seeded set: `ids` is a getter, as the set is seeded in `beforeEach`. */
export function seededKeys(ids: () => Record<Key, string>, list: ReturnType<typeof searchRequests>['list']) {
  /** The seeded contacts a list answers, by their letter (sorted), failing on any id that is not one of them. */
  const keysOf = (items: Item[]): string[] => {
    const byId = new Map(Object.entries(ids()).map(([key, id]) => [id, key]));
    return items.map((item) => byId.get(item.id) ?? `unexpected ${item.id}`).sort();
  };
  const listKeys = async (query: string): Promise<string[]> => {
    const res = await list(`?limit=1000&${query}`);
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    return keysOf(res.body.items);
  };
  return { keysOf, listKeys };
}

/** Writes the seeded set (above) into a reset database, its times `ago` the test's now. */
export async function seedContacts(t: TestApp, ago: (ms: number) => string): Promise<SeededSet> {
  const { importContacts } = searchRequests(() => t);
  const first = async (body: object, post = (b: object) => t.postMo(b)) => {
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
  const mergedAway = await first(mo(G_BSUID, { whatsappUserId: G_BSUID }, 'g-2', ago(49 * DAY)));
  const merged = await first(dlr(112006, { destination: G_PHONE, whatsappUserId: G_BSUID }, 'g-3', ago(48 * DAY)), (b) => t.postDlr(b));
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
  const globexId = other.body.contactIds[0];
  const ids = { a, b, c, d, e, f, g };
  expect(new Set(Object.values(ids)).size).toBe(7);
  return { ids, mergedAway, globexId };
}
