import request from 'supertest';
import type { HistoryView } from '../../src/contacts/contact.view';
import { KEYS, TestApp } from './test-app';

/** One row of GET …/contacts/:identifier/history, as the API answers it. */
export type HistoryItem = HistoryView;

/**
 * Requests to the contact routes as a client with a bearer key makes them: on acme, with `defaultSecret`
 * (the admin key unless told otherwise). Identifiers are URL-encoded here, so a test that means to send one
 * exactly as written (an unencoded +, say) builds its own request.
 *
 * Takes a getter because specs create their TestApp in `beforeAll`, after these helpers are defined.
 */
export function api(app: () => TestApp, defaultSecret: string = KEYS.admin) {
  const contact = (portfolio: string, identifier: string) => `/v1/portfolios/${portfolio}/contacts/${encodeURIComponent(identifier)}`;
  return {
    get: (identifier: string, secret = defaultSecret, portfolio = 'acme') =>
      request(app().http).get(contact(portfolio, identifier)).auth(secret, { type: 'bearer' }),
    /** The contact and its history, up to 500 rows: all that any test writes. */
    history: (identifier: string, secret = defaultSecret, portfolio = 'acme') =>
      request(app().http)
        .get(`${contact(portfolio, identifier)}/history?limit=500`)
        .auth(secret, { type: 'bearer' }),
    erase: (identifier: string, secret = defaultSecret, portfolio = 'acme') =>
      request(app().http).delete(contact(portfolio, identifier)).auth(secret, { type: 'bearer' }),
    /** PUT …/contacts: the CRM's bulk import. `contacts` is sent as given, valid or not. */
    importContacts: (contacts: unknown, secret = defaultSecret, portfolio = 'acme') =>
      request(app().http).put(`/v1/portfolios/${portfolio}/contacts`).auth(secret, { type: 'bearer' }).send({ contacts }),
    settle: (conflictId: string, body: unknown, secret = defaultSecret, portfolio = 'acme') =>
      request(app().http)
        .post(`/v1/portfolios/${portfolio}/conflicts/${conflictId}/settle`)
        .auth(secret, { type: 'bearer' })
        .send(body as object),
  };
}
