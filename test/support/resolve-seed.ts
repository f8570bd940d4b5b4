import request from 'supertest';
import { acmeDlr, mo } from './link-builders';
import { KEYS, TestApp } from './test-app';

export const PHONE = '+46701234567';
export const B = 'SE.13491208655302741918';
export const P = 'SE.ENT.11815799212886844830';
export const B_ONLY = 'SE.22222222222222222222';
export const P_ONLY = 'SE.ENT.33333333333333333333';
export const GLOBEX_PHONE = '+46709876543';
export const GLOBEX_B = 'SE.55555555555555555555';

/** The contacts the resolve specs look up, each as GET …/contacts/:identifier shows it. */
export interface ResolveSeed {
  /** acme: PHONE with B and P, from an MO. */
  full: Record<string, unknown>;
  /** acme: B_ONLY, from an MO. */
  bsuidOnly: Record<string, unknown>;
  /** acme: P_ONLY, from a sent DLR. */
  parentOnly: Record<string, unknown>;
  /** globex: GLOBEX_PHONE with GLOBEX_B, from an MO. */
  globexContact: Record<string, unknown>;
}

/** A sent DLR routed to acme by its LINK platform, naming only the given identifiers. */
export const sentDlr = (parameters: Record<string, string>, messageId: string, timestamp: string) =>
  acmeDlr(112006, parameters, messageId, timestamp);

/**
 * POST …/contacts/resolve with `identifiers` sent as given, valid or not, with the CRM key unless told
 * otherwise (`null` sends none). Takes a getter because specs create their TestApp in `beforeAll`.
 */
export function resolveRoute(app: () => TestApp) {
  return (portfolio: string, identifiers: unknown, secret: string | null = KEYS.crm) => {
    const req = request(app().http).post(`/v1/portfolios/${portfolio}/contacts/resolve`);
    if (secret !== null) req.auth(secret, { type: 'bearer' });
    return req.send({ identifiers });
  };
}

/** Writes the contacts of ResolveSeed into a reset database with acme and globex, and answers their views. */
export async function seedResolveContacts(t: TestApp): Promise<ResolveSeed> {
  const a = await t.postMo(mo(PHONE, { whatsappUserId: B, whatsappParentUserId: P }, 'r-1', '2026-06-01T10:00:00Z')).expect(200);
  const b = await t.postMo(mo(B_ONLY, { whatsappUserId: B_ONLY }, 'r-2', '2026-06-02T10:00:00Z')).expect(200);
  const c = await t.postDlr(sentDlr({ whatsappParentUserId: P_ONLY }, 'r-3', '2026-06-03T10:00:00Z')).expect(200);
  const g = await t.postMo(mo(GLOBEX_PHONE, { whatsappUserId: GLOBEX_B }, 'r-4', '2026-06-04T10:00:00Z', '+47000000000')).expect(200);
  expect([a.body.portfolio, b.body.portfolio, c.body.portfolio, g.body.portfolio]).toEqual(['acme', 'acme', 'acme', 'globex']);

  const view = {
    portfolio: 'acme',
    msisdn: null,
    bsuid: null,
    parentBsuid: null,
    status: 'active',
    updatedAt: expect.any(String),
    lastInboundAt: null,
    lastOutboundAt: null,
    careWindowOpenUntil: null,
    phoneVisibleUntil: null,
    phoneVisibility: null,
    contactBookAt: null,
    externalId: null,
    username: null,
    marketing: null,
    sendToReason: expect.any(String),
  };
  const full = {
    ...view,
    id: a.body.contactIds[0],
    msisdn: PHONE,
    bsuid: B,
    parentBsuid: P,
    firstSeenAt: '2026-06-01T10:00:00.000Z',
    lastInboundAt: '2026-06-01T10:00:00.000Z',
    careWindowOpenUntil: '2026-06-02T10:00:00.000Z',
    // An MO from the phone after April 2026: in the contact book, the phone keeps arriving.
    phoneVisibility: 'contactBook',
    contactBookAt: '2026-06-01T10:00:00.000Z',
    sendTo: PHONE,
    sendToKind: 'msisdn',
  };
  const bsuidOnly = {
    ...view,
    id: b.body.contactIds[0],
    bsuid: B_ONLY,
    firstSeenAt: '2026-06-02T10:00:00.000Z',
    lastInboundAt: '2026-06-02T10:00:00.000Z',
    careWindowOpenUntil: '2026-06-03T10:00:00.000Z',
    sendTo: B_ONLY,
    sendToKind: 'bsuid',
  };
  const parentOnly = {
    ...view,
    id: c.body.contactIds[0],
    parentBsuid: P_ONLY,
    firstSeenAt: '2026-06-03T10:00:00.000Z',
    lastOutboundAt: '2026-06-03T10:00:00.000Z',
    sendTo: P_ONLY,
    sendToKind: 'parentBsuid',
  };
  const globexContact = {
    ...view,
    id: g.body.contactIds[0],
    portfolio: 'globex',
    msisdn: GLOBEX_PHONE,
    bsuid: GLOBEX_B,
    firstSeenAt: '2026-06-04T10:00:00.000Z',
    lastInboundAt: '2026-06-04T10:00:00.000Z',
    careWindowOpenUntil: '2026-06-05T10:00:00.000Z',
    phoneVisibility: 'contactBook',
    contactBookAt: '2026-06-04T10:00:00.000Z',
    sendTo: GLOBEX_PHONE,
    sendToKind: 'msisdn',
  };
  return { full, bsuidOnly, parentOnly, globexContact };
}
