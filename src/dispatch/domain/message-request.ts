/**
 * LINK's MessageRequest (the document's "POST /messages"), read as the send pipeline posts it:
 * the envelope is checked, the message bodies pass through untouched, and what the rules need
 * from them (which templates, whether any message is free-form) is picked out.
 */
import type { FieldError } from '../../common/errors/app-error';
import { isJsonObject } from '../../common/http/json';

export const MAX_DESTINATIONS = 100_000;
const PRIORITIES = ['LOW', 'NORMAL', 'HIGH'];

export interface MessageRequest {
  source: string;
  destinations: unknown[];
  messages: Record<string, unknown>[];
  [field: string]: unknown;
}

export interface TemplateRef {
  name: string;
  language: string;
}

/** What the enforcement rules need to know about the messages of a request. */
export interface MessageKinds {
  templates: TemplateRef[];
  /** A message is not a template: outside the 24-hour care window it cannot be sent. */
  freeForm: boolean;
}

/** The envelope's problems, one per field (LINK's 112506); none means the request can be planned. */
export function checkMessageRequest(body: unknown): FieldError[] {
  if (!isJsonObject(body)) return [{ field: 'body', message: 'must be a MessageRequest object' }];
  const problems: FieldError[] = [];
  const need = (field: string, ok: boolean, message: string) => {
    if (!ok) problems.push({ field, message });
  };
  for (const field of ['platformId', 'platformPartnerId', 'refId', 'source']) {
    need(field, isText(body[field]), 'must be a non-empty string');
  }
  need('priority', PRIORITIES.includes(body.priority as string), `must be one of ${PRIORITIES.join(', ')}`);
  const destinations = body.destinations;
  need('destinations', Array.isArray(destinations) && destinations.length > 0, 'must be a non-empty list');
  need(
    'destinations',
    !Array.isArray(destinations) || destinations.length <= MAX_DESTINATIONS,
    `must hold at most ${MAX_DESTINATIONS} destinations`,
  );
  const messages = body.messages;
  need('messages', Array.isArray(messages) && messages.length > 0, 'must be a non-empty list');
  if (Array.isArray(messages)) {
    messages.forEach((message, index) =>
      need(`messages[${index}].type`, isJsonObject(message) && isText(message.type), 'must be an object with a type'),
    );
  }
  optional(body, 'relativeValidityTime', (value) => Number.isInteger(value), 'must be a whole number of milliseconds', problems);
  optional(
    body,
    'absoluteValidityTime',
    (value) => isText(value) && !Number.isNaN(Date.parse(value as string)),
    'must be a date',
    problems,
  );
  optional(body, 'eventReportGates', (value) => Array.isArray(value) && value.every(isText), 'must be a list of strings', problems);
  optional(body, 'customParameters', (value) => value === null || isJsonObject(value), 'must be an object', problems);
  for (const field of ['platformServiceId', 'platformServiceType', 'platformTransactionId']) {
    optional(body, field, (value) => typeof value === 'string', 'must be a string', problems);
  }
  return problems;
}

/** The templates the request sends (by trimmed name and language code), and whether it sends anything else. */
export function readMessageKinds(messages: Record<string, unknown>[]): MessageKinds {
  const templates = new Map<string, TemplateRef>();
  let freeForm = false;
  for (const message of messages) {
    // Read as loosely as LINK's document writes it: a type in any case, names with stray spaces.
    if (typeof message.type !== 'string' || message.type.trim().toLowerCase() !== 'template') {
      freeForm = true;
      continue;
    }
    const template = isJsonObject(message.template) ? message.template : {};
    const language = isJsonObject(template.language) ? template.language.code : template.language;
    const ref = { name: scalarText(template.name), language: scalarText(language) };
    templates.set(`${ref.name}\u0000${ref.language}`, ref);
  }
  return { templates: [...templates.values()], freeForm };
}

function optional(
  body: Record<string, unknown>,
  field: string,
  ok: (value: unknown) => boolean,
  message: string,
  problems: FieldError[],
): void {
  if (body[field] !== undefined && !ok(body[field])) problems.push({ field, message });
}

function isText(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

/** A name or code as text, trimmed, as JavaScript writes any value (`["otp"]` reads as `otp`): the registry decides what it is. */
function scalarText(value: unknown): string {
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- whatever a client sent, read as it stringifies
  return String(value ?? '').trim();
}
