import request from 'supertest';
import { api } from './api';
import { mo as moBody } from './link-builders';
import { fixture, KEYS, TestApp } from './test-app';

export const PHONE = '+46701234567';
export const PHONE2 = '+46709876543';
export const PHONE3 = '+46705555555';
export const CARD_PHONE = '+46707654321'; // the number on test/fixtures/link/mo-contacts-forwarded-card.json
export const B = 'SE.13491208655302741918';
export const P = 'SE.ENT.11815799212886844830';
export const P2 = 'SE.ENT.22222222222222222222';

export interface ConflictItem {
  id: string;
  claimedValue: string;
  status: string;
}

/**
 * The conflict routes and the writes that raise conflicts, as the conflict specs use them: on acme, with the
 * admin key unless told otherwise. Takes a getter because specs create their TestApp in `beforeAll`.
 */
export function conflictRequests(app: () => TestApp) {
  const requests = api(app);
  const { settle } = requests;
  /** An MO to acme's business number; answers the id of the contact it was about. */
  const mo = async (source: string, parameters: Record<string, string> | null, messageId: string, timestamp: string): Promise<string> => {
    const res = await app().postMo(moBody(source, parameters, messageId, timestamp));
    expect(res.status).toBe(200);
    return res.body.contactIds[0];
  };
  /** The fixture's forwarded contact card (origin "other"), sent by B to acme. */
  const forwardedCard = async (): Promise<string> => {
    const res = await app().postMo({ ...fixture('mo-contacts-forwarded-card'), destination: '+46000000000' });
    expect(res.body).toEqual({ status: 'applied', portfolio: 'acme', contactIds: [expect.any(String)] });
    return res.body.contactIds[0];
  };
  const importRows = async (contacts: Record<string, string>[]): Promise<string> => {
    const res = await requests.importContacts(contacts);
    expect(res.status).toBe(200);
    return res.body.batchId;
  };
  const list = (query = '', secret: string = KEYS.admin, portfolio = 'acme') =>
    request(app().http).get(`/v1/portfolios/${portfolio}/conflicts${query}`).auth(secret, { type: 'bearer' });
  const getConflict = (id: string, secret: string = KEYS.admin, portfolio = 'acme') =>
    request(app().http).get(`/v1/portfolios/${portfolio}/conflicts/${id}`).auth(secret, { type: 'bearer' });
  /** The contact as GET answers it now (its view is what a conflict shows). */
  const contact = async (identifier: string) => {
    const res = await requests.get(identifier);
    expect(res.status).toBe(200);
    return res.body;
  };
  const openIds = async (): Promise<string[]> => (await list()).body.items.map((item: ConflictItem) => item.id);

  /** An MO attests PHONE with B; a CRM then claims PHONE2 for B: a conflict on that contact, no other contact. */
  async function attestedClash(): Promise<{ contactId: string; batch: string; conflictId: string }> {
    const contactId = await mo(PHONE, { whatsappUserId: B }, 'clash-1', '2026-06-01T10:00:00Z');
    const batch = await importRows([{ msisdn: PHONE2, bsuid: B }]);
    const [conflictId] = await openIds();
    return { contactId, batch, conflictId };
  }

  /** PHONE and B are two contacts (learned apart); a CRM claims they are one: a conflict on B's, naming PHONE's. */
  async function twoContactClash(): Promise<{ phoneOnly: string; bsuidOnly: string; batch: string; conflictId: string }> {
    const phoneOnly = await mo(PHONE, null, 'two-1', '2026-06-01T10:00:00Z');
    const bsuidOnly = await mo(B, { whatsappUserId: B }, 'two-2', '2026-06-01T11:00:00Z');
    const batch = await importRows([{ msisdn: PHONE, bsuid: B }]);
    const [conflictId] = await openIds();
    return { phoneOnly, bsuidOnly, batch, conflictId };
  }

  return { requests, settle, mo, forwardedCard, importRows, list, getConflict, contact, openIds, attestedClash, twoContactClash };
}
