import { isJsonObject } from '../../common/http/json';

/**
 * Whether a MessageRequest's messages ask for the user's phone through an interactive message
 * (LINK's document, "Request phone numbers from users who have adopted usernames": `interactive`
 * of type `contact_request`, action `request_contact_info`). A template asks for it when the
 * registry knows it has a REQUEST_CONTACT_INFO button: the registry answers that, by name.
 */
export function asksForContactInfo(messages: Record<string, unknown>[]): boolean {
  return messages.some((message) => {
    if (lower(message.type) !== 'interactive' || !isJsonObject(message.interactive)) return false;
    const { type, action } = message.interactive;
    return lower(type) === 'contact_request' || (isJsonObject(action) && lower(action.name) === 'request_contact_info');
  });
}

function lower(value: unknown): string | undefined {
  return typeof value === 'string' ? value.trim().toLowerCase() : undefined;
}
