import { ACME_NUMBER } from './portfolios';
import { fixture, TestApp } from './test-app';

/**
 * An MO from `source`, built on the text fixture (LINK's own example), to acme's business number unless
 * `destination` says otherwise. `parameters` are the customParameters LINK passes on from Meta:
 * whatsappUserId and whatsappParentUserId, or null for a phone-only MO.
 */
export const mo = (
  source: string,
  parameters: Record<string, string> | null,
  messageId: string,
  timestamp: string,
  destination = ACME_NUMBER,
) => ({
  ...fixture('mo-01-text-msisdn'),
  destination,
  source,
  customParameters: parameters,
  messageId,
  timestamp,
});

/**
 * A DLR routed to acme by its LINK platform (DLRs name no business number), naming only the identifiers
 * in `parameters`: none of the fixture's other customParameters come along.
 */
export const acmeDlr = (resultCode: number, parameters: Record<string, string>, messageId: string, timestamp: string) => ({
  ...fixture('dlr-02-sent-msisdn-bsuid'),
  resultCode,
  messageId,
  timestamp,
  customParameters: { platformId: 'TEST_XA', platformPartnerId: '1', ...parameters },
});

/**
 * The sent-DLR fixture whole (acme's platform, BSUID SE.13491208655302741918, LINK's pricing keys), with
 * `changes` laid over its customParameters: `{ destination: phone }` makes it pair that phone with the BSUID.
 */
export const fixtureDlr = (changes: Record<string, string>, messageId: string, timestamp: string) => {
  const dlr = fixture('dlr-02-sent-msisdn-bsuid');
  return { ...dlr, messageId, timestamp, customParameters: { ...dlr.customParameters, ...changes } };
};

/**
 * A LINK MessageRequest with one text message, from acme's business number on acme's platform
 * unless `source` and `platform` say otherwise: what a send pipeline posts to dedupe or the proxy.
 */
export const messageRequest = (
  destinations: unknown[],
  source = ACME_NUMBER,
  platform = { platformId: 'TEST_XA', platformPartnerId: '1' },
) => ({
  ...platform,
  priority: 'NORMAL',
  refId: 'order-4711',
  source,
  destinations,
  messages: [{ type: 'text', text: { body: 'Your order has shipped' } }],
});

/** Posts an MO and answers the id of the one contact it applied to. */
export async function sendMo(t: TestApp, body: Record<string, unknown>): Promise<string> {
  const res = await t.postMo(body);
  expect(res.status).toBe(200);
  expect(res.body.contactIds).toHaveLength(1);
  return res.body.contactIds[0];
}
