import { isJsonObject } from '../../common/http/json';
import type { Identifier, IdentifierKind } from '../../identifiers/domain/identifier';
import type { MoEnvelope } from './link-envelope';

/**
 * The message a `contacts` MO replies to (`content.message.context.id`): Meta's id of a message
 * sent through the proxy (its DLRs give it as `waMessageId`), or LINK's own messageId. Only a
 * contacts message is looked up: no other MO can answer a request for the user's phone.
 */
export function contactReplyTo(body: MoEnvelope): string | undefined {
  const message = isJsonObject(body.content) && isJsonObject(body.content.message) ? body.content.message : undefined;
  if (!message || !Array.isArray(message.contacts) || !isJsonObject(message.context)) return undefined;
  const id = message.context.id;
  return typeof id === 'string' && id.trim() !== '' && id.length <= 256 ? id.trim() : undefined;
}

/**
 * Whether a card replying to a REQUEST_CONTACT_INFO message sent to `sentTo` is the sender's own
 * phone (DESIGN: rule 8). The sender must be whom the request went to: the BSUID it was sent to,
 * or, sent to a phone, a reply sharing that very phone (from a sender whose phone, if the MO
 * gives it, is that one). Anything else may be someone else's number, and stays a claim.
 */
export function answersContactRequest(sentTo: Identifier, sender: Partial<Record<IdentifierKind, string>>, sharedPhone: string): boolean {
  if (sentTo.kind === 'msisdn') return sharedPhone === sentTo.value && (sender.msisdn === undefined || sender.msisdn === sentTo.value);
  return sender[sentTo.kind] === sentTo.value;
}
