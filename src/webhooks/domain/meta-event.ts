/**
 * Meta's own webhook format (WhatsApp Cloud API, or a BSP passing it through unchanged), read into
 * the same observations as LINK's webhooks, for the same graph rules.
 *
 * Read, from each `entry[].changes[].value` of a `whatsapp_business_account` object:
 * - `messages[]`: the sender from `from` (a phone number; a BSUID when the phone is hidden),
 *   `from_user_id`, `from_parent_user_id`, and the `contacts[]` entry that names the same user
 *   (`wa_id`, `user_id`, `parent_user_id`, `profile.username`). A `contacts` message adds the
 *   phone of each card: the sender's own, attested, when shared through the REQUEST_CONTACT_INFO
 *   button (the message's `origin: "contact_request"`), else a claim (rule 8).
 * - `system` messages `user_changed_number` and `user_changed_user_id`: the new identifiers and
 *   the previous BSUID (an `IdentityChange`); the message's `from` is the old phone there, read as
 *   the previous phone (it finds a person known only by phone, and leaves the person).
 * - `statuses[]`: `recipient_id` (conditional), `recipient_user_id`, `recipient_parent_user_id`
 *   (or its older name `parent_recipient_user_id`) and the status's `contacts[]` entry. A failed
 *   status never links, as LINK's failed DLR.
 * - `user_preferences[]` of category `marketing_messages`: a `stop` or `resume`.
 * Ignored: every other field of the value (message content, pricing, conversation, errors), other
 * change fields (`account_update`, `message_template_status_update`, …) and other system message
 * types. Timestamps are Unix seconds. Each message and each status is one event, identified for
 * redelivery by Meta's id (`meta:` keys, which LINK's `mo:`/`dlr:` keys never equal).
 */
import type { CountryCode } from 'libphonenumber-js';
import { FieldError } from '../../common/errors/app-error';
import { describeInput, IdentifierKind, tryParseIdentifier } from '../../identifiers/domain/identifier';
import type { Evidence, IdentityChange, Observation } from '../../graph/domain/observation';
import type { ReadEvent } from './link-event';

type Identifiers = Partial<Record<IdentifierKind, string>>;
type Json = Record<string, unknown>;

/** Where a value's identifiers are read: its portfolio and the business number it came through. */
export interface MetaContext {
  portfolio: string;
  region: CountryCode;
  businessNumber?: string;
  now?: Date;
}

/** The username a user chose to show, as seen with their identifiers. */
export interface UsernameSeen {
  ids: Identifiers;
  username: string;
  eventAt: Date;
}

/** A user's marketing-message choice (`user_preferences`). */
export interface MarketingPreference {
  ids: Identifiers;
  optedOut: boolean;
  eventAt: Date;
}

/** An event that could not be read: left out, with what is wrong with it. */
export interface InvalidEvent {
  path: string;
  errors: FieldError[];
}

export interface MetaRead {
  events: ReadEvent[];
  usernames: UsernameSeen[];
  preferences: MarketingPreference[];
  /** Events left out: one event at fault must not keep Meta retrying the others forever. */
  invalid: InvalidEvent[];
}

const SENT_STATUSES = new Set(['sent', 'delivered', 'read', 'played']);
const MAX_ID = 256;
const MAX_USERNAME = 128;
const ALLOWED_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * One `value` of the webhook, read in its portfolio. A message, status or preference with an
 * identifier or field at fault is left out whole (nothing of it is read) and listed in `invalid`.
 */
export function readMetaValue(value: Json, context: MetaContext, path = 'value'): MetaRead {
  return new ValueReader(value, context, path).read();
}

class ValueReader {
  private errors: FieldError[] = [];
  private readonly read_: MetaRead = { events: [], usernames: [], preferences: [], invalid: [] };

  constructor(
    private readonly value: Json,
    private readonly context: MetaContext,
    private readonly path: string,
  ) {}

  read(): MetaRead {
    const contacts = list(this.value.contacts);
    list(this.value.messages).forEach((message, index) =>
      this.event(`${this.path}.messages[${index}]`, (path) => this.message(asObject(message), contacts, path)),
    );
    list(this.value.statuses).forEach((status, index) =>
      this.event(`${this.path}.statuses[${index}]`, (path) => this.status(asObject(status), contacts, path)),
    );
    list(this.value.user_preferences).forEach((preference, index) =>
      this.event(`${this.path}.user_preferences[${index}]`, (path) => this.preference(asObject(preference), contacts, path)),
    );
    return this.read_;
  }

  /** Reads one event: if anything of it is at fault, what it added is taken back and it is listed as invalid. */
  private event(path: string, read: (path: string) => void): void {
    const { events, usernames, preferences } = this.read_;
    const before = [events.length, usernames.length, preferences.length];
    this.errors = [];
    read(path);
    if (this.errors.length === 0) return;
    events.length = before[0];
    usernames.length = before[1];
    preferences.length = before[2];
    this.read_.invalid.push({ path, errors: this.errors.slice(0, 10) });
  }

  private message(message: Json, contacts: unknown[], path: string): void {
    const messageId = this.id(message.id, `${path}.id`);
    const eventAt = this.timestamp(message.timestamp, `${path}.timestamp`);
    if (messageId === undefined || eventAt === undefined) return;
    const receiptKey = `meta:message:${messageId}`;
    const evidence: Evidence = { kind: 'MO', messageId, businessNumber: this.context.businessNumber };
    if (message.type === 'system') {
      return this.system(asObject(message.system), { receiptKey, messageId, eventAt, from: message.from }, `${path}.system`);
    }

    const ids: Identifiers = {};
    this.add(ids, message.from, undefined, `${path}.from`);
    this.add(ids, message.from_user_id, 'bsuid', `${path}.from_user_id`);
    this.add(ids, message.from_parent_user_id, 'parentBsuid', `${path}.from_parent_user_id`);
    this.fromContact(ids, matchingContact(contacts, ids, message.from, `${this.path}.contacts`), eventAt);
    if (Object.keys(ids).length === 0) return;
    const base = { portfolio: this.context.portfolio, eventAt, links: true as const };
    const byPhone = addressedByPhone(message.from, ids);
    const observations: Observation[] = [{ ...base, ...ids, strength: 'attested', activity: 'inbound', byPhone, evidence }];
    if (message.type === 'contacts') {
      const requested = message.origin === 'contact_request';
      observations.push(...this.cards(message.contacts, ids, base, messageId, requested));
    }
    this.read_.events.push({ receiptKey, observations });
  }

  /** `user_changed_number` / `user_changed_user_id`: the new identifiers, and the BSUID the user had before. */
  private system(system: Json, message: { receiptKey: string; messageId: string; eventAt: Date; from: unknown }, path: string): void {
    const type = system.type;
    if (type !== 'user_changed_number' && type !== 'user_changed_user_id') return;
    const ids: Identifiers = {};
    if (type === 'user_changed_number') this.add(ids, system.wa_id, 'msisdn', `${path}.wa_id`);
    this.add(ids, system.user_id, 'bsuid', `${path}.user_id`);
    this.add(ids, system.parent_user_id, 'parentBsuid', `${path}.parent_user_id`);
    const previous: Identifiers = {};
    this.add(previous, system.previous_user_id, 'bsuid', `${path}.previous_user_id`);
    this.add(previous, system.previous_parent_user_id, 'parentBsuid', `${path}.previous_parent_user_id`);
    // Without BSUIDs (the older form of user_changed_number) there is nobody to name: nothing to learn.
    if (ids.bsuid === undefined) return;
    // The message's `from` is the number the user had: Meta attests it, and it finds a person known only by phone.
    const from = typeof message.from === 'string' ? tryParseIdentifier(phoneOf(message.from), this.context.region) : undefined;
    const previousMsisdn = from?.ok && from.identifier.kind === 'msisdn' ? from.identifier.value : undefined;
    const change: IdentityChange | undefined = previous.bsuid
      ? {
          previousBsuid: previous.bsuid,
          previousParentBsuid: previous.parentBsuid,
          ...(previousMsisdn !== undefined && previousMsisdn !== ids.msisdn ? { previousMsisdn } : {}),
          phoneChanged: type === 'user_changed_number',
        }
      : undefined;
    const kind = type === 'user_changed_number' ? 'USER_CHANGED_NUMBER' : 'USER_CHANGED_USER_ID';
    const observation: Observation = {
      portfolio: this.context.portfolio,
      ...ids,
      eventAt: message.eventAt,
      strength: 'attested',
      links: true,
      ...(change ? { change } : {}),
      evidence: { kind, messageId: message.messageId, businessNumber: this.context.businessNumber },
    };
    this.read_.events.push({ receiptKey: message.receiptKey, observations: [observation] });
  }

  /**
   * A card shared through REQUEST_CONTACT_INFO (the message's `origin: "contact_request"`, or the
   * card's) is the sender's own phone; any other is a claim, kept only while the sender's phone is unknown.
   */
  private cards(
    raw: unknown,
    sender: Identifiers,
    base: { portfolio: string; eventAt: Date; links: true },
    messageId: string,
    requested: boolean,
  ): Observation[] {
    if (!sender.bsuid && !sender.parentBsuid) return [];
    const senderIds: Identifiers = {};
    if (sender.bsuid) senderIds.bsuid = sender.bsuid;
    if (sender.parentBsuid) senderIds.parentBsuid = sender.parentBsuid;
    return list(raw).flatMap((entry): Observation[] => {
      const card = asObject(entry);
      const phone = cardPhone(card.phones, this.context.region);
      const own = requested || card.origin === 'contact_request';
      if (!phone || (!own && sender.msisdn)) return [];
      const kind = own ? 'CONTACT_SHARE' : 'CONTACT_CARD';
      return [
        {
          ...base,
          ...senderIds,
          msisdn: phone,
          strength: own ? 'attested' : 'claimed',
          evidence: { kind, messageId, businessNumber: this.context.businessNumber },
        },
      ];
    });
  }

  private status(status: Json, contacts: unknown[], path: string): void {
    const messageId = this.id(status.id, `${path}.id`);
    const eventAt = this.timestamp(status.timestamp, `${path}.timestamp`);
    const state = typeof status.status === 'string' ? status.status.trim().toLowerCase() : '';
    if (messageId === undefined || eventAt === undefined) return;
    if (state === '' || state.length > 32 || !isStorable(state))
      return void this.errors.push({ field: `${path}.status`, message: 'must be a status name' });
    const ids: Identifiers = {};
    this.add(ids, status.recipient_id, undefined, `${path}.recipient_id`);
    this.add(ids, status.recipient_user_id, 'bsuid', `${path}.recipient_user_id`);
    this.add(ids, status.recipient_parent_user_id ?? status.parent_recipient_user_id, 'parentBsuid', `${path}.recipient_parent_user_id`);
    const own = list(status.contacts);
    const match =
      own.length > 0
        ? matchingContact(own, ids, status.recipient_id, `${path}.contacts`)
        : matchingContact(contacts, ids, status.recipient_id, `${this.path}.contacts`);
    const sent = SENT_STATUSES.has(state);
    // A failed status shows no username: the message never reached the user.
    this.fromContact(ids, match, sent ? eventAt : undefined);
    const receiptKey = `meta:status:${messageId}:${state}`;
    if (Object.keys(ids).length === 0) return void this.read_.events.push({ receiptKey, observations: [] });
    const observation: Observation = {
      portfolio: this.context.portfolio,
      ...ids,
      eventAt,
      strength: 'attested',
      // A failed status carries no link: it only finds its contact (DESIGN: Rules).
      links: sent,
      activity: sent ? 'outbound' : undefined,
      // By `recipient_id` alone: the status's `contacts[].wa_id` comes even when the message went to the BSUID.
      byPhone: sent && addressedByPhone(status.recipient_id, ids),
      evidence: { kind: 'DLR', messageId, businessNumber: this.context.businessNumber },
    };
    this.read_.events.push({ receiptKey, observations: [observation] });
  }

  private preference(preference: Json, contacts: unknown[], path: string): void {
    if (preference.category !== 'marketing_messages') return;
    const choice = preference.value;
    if (choice !== 'stop' && choice !== 'resume')
      return void this.errors.push({ field: `${path}.value`, message: 'must be "stop" or "resume"' });
    const eventAt = this.timestamp(preference.timestamp, `${path}.timestamp`);
    const ids: Identifiers = {};
    this.add(ids, preference.wa_id, 'msisdn', `${path}.wa_id`);
    this.add(ids, preference.user_id, 'bsuid', `${path}.user_id`);
    this.add(ids, preference.parent_user_id, 'parentBsuid', `${path}.parent_user_id`);
    this.fromContact(ids, matchingContact(contacts, ids, preference.wa_id, `${this.path}.contacts`), eventAt);
    if (eventAt && Object.keys(ids).length > 0) this.read_.preferences.push({ ids, optedOut: choice === 'stop', eventAt });
  }

  /** The identifiers of the `contacts[]` entry about this user, and the username it shows. */
  private fromContact(ids: Identifiers, match: { contact: Json; path: string } | undefined, eventAt: Date | undefined): void {
    if (!match) return;
    const { contact, path } = match;
    this.add(ids, contact.wa_id, 'msisdn', `${path}.wa_id`);
    this.add(ids, contact.user_id, 'bsuid', `${path}.user_id`);
    this.add(ids, contact.parent_user_id, 'parentBsuid', `${path}.parent_user_id`);
    const username = asObject(contact.profile).username;
    if (typeof username !== 'string' || username.trim() === '' || !eventAt) return;
    if (username.length > MAX_USERNAME || !isStorable(username)) {
      return void this.errors.push({ field: `${path}.profile.username`, message: `must be at most ${MAX_USERNAME} characters of text` });
    }
    if (Object.keys(ids).length > 0) this.read_.usernames.push({ ids: { ...ids }, username: username.trim(), eventAt });
  }

  /** Adds an identifier, of the kind expected (any kind when undefined); a value contradicting one already read is an error. */
  private add(ids: Identifiers, raw: unknown, kind: IdentifierKind | undefined, field: string): void {
    if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return;
    const parsed = tryParseIdentifier(typeof raw === 'string' ? phoneOf(raw) : raw, this.context.region);
    if (!parsed.ok) return void this.errors.push({ field, message: `${describeInput(raw)} ${parsed.reason}` });
    const found = parsed.identifier;
    if (kind !== undefined && found.kind !== kind) {
      return void this.errors.push({ field, message: `${describeInput(raw)} is a ${found.kind}, expected a ${kind}` });
    }
    const existing = ids[found.kind];
    if (existing !== undefined && existing !== found.value) {
      return void this.errors.push({ field, message: `${describeInput(raw)} disagrees with another identifier of this user` });
    }
    ids[found.kind] = found.value;
  }

  private id(raw: unknown, field: string): string | undefined {
    if (typeof raw === 'string' && raw.trim() !== '' && raw.length <= MAX_ID && isStorable(raw)) return raw;
    this.errors.push({ field, message: `must be a non-empty string of at most ${MAX_ID} characters` });
    return undefined;
  }

  /** Unix seconds, as a string or a number. A time in the future past some clock skew is taken as now (rule 5). */
  private timestamp(raw: unknown, field: string): Date | undefined {
    const text = typeof raw === 'number' ? String(raw) : raw;
    if (typeof text !== 'string' || !/^[0-9]{1,11}$/.test(text)) {
      this.errors.push({ field, message: 'must be a Unix time in seconds' });
      return undefined;
    }
    const now = this.context.now ?? new Date();
    const at = new Date(Number(text) * 1000);
    return at.getTime() > now.getTime() + ALLOWED_CLOCK_SKEW_MS ? now : at;
  }
}

/** No NUL and no lone surrogate: the text goes into JSON columns, which refuse both, and one event must not fail the batch. */
function isStorable(text: string): boolean {
  return !text.includes('\u0000') && !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

/** Meta writes phone numbers as international digits without `+` (`16505551234`). */
/**
 * Whether the exchange's own address (an MO's `from`, a status's `recipient_id`) is the user's
 * phone number: only then does Meta's contact book log the phone (DESIGN: phoneVisibleUntil). A
 * phone known from elsewhere (`contacts[].wa_id`) is not an exchange by phone.
 */
export function addressedByPhone(address: unknown, ids: Identifiers): boolean {
  return typeof address === 'string' && ids.msisdn !== undefined && phoneOf(address) === ids.msisdn;
}

function phoneOf(raw: string): string {
  const trimmed = raw.trim();
  return /^[1-9][0-9]{6,14}$/.test(trimmed) ? `+${trimmed}` : trimmed;
}

/** The `contacts[]` entry about this user: the one naming its BSUID or phone, or the only one. */
function matchingContact(
  contacts: unknown[],
  ids: Identifiers,
  rawPhone: unknown,
  path: string,
): { contact: Json; path: string } | undefined {
  const entries = contacts.map(asObject);
  const phone = typeof rawPhone === 'string' ? rawPhone.trim() : undefined;
  const named = entries.findIndex(
    (entry) => (ids.bsuid !== undefined && entry.user_id === ids.bsuid) || (phone !== undefined && entry.wa_id === phone),
  );
  const index = named >= 0 ? named : entries.length === 1 ? 0 : -1;
  return index < 0 ? undefined : { contact: entries[index], path: `${path}[${index}]` };
}

function cardPhone(phones: unknown, region: CountryCode): string | undefined {
  for (const entry of list(phones).map(asObject)) {
    const waId = entry.wa_id;
    const candidate = typeof waId === 'string' && /^[0-9]+$/.test(waId) ? `+${waId}` : entry.phone;
    const parsed = tryParseIdentifier(candidate, region);
    if (parsed.ok && parsed.identifier.kind === 'msisdn') return parsed.identifier.value;
  }
  return undefined;
}

function list(raw: unknown): unknown[] {
  return Array.isArray(raw) ? raw : [];
}

function asObject(raw: unknown): Json {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Json) : {};
}
