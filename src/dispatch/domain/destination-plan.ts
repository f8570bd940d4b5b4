/**
 * The send pipeline's rules for one MessageRequest's destinations (DESIGN: Dedupe and
 * enforcement), as pure code: the service looks up every identifier once, and this decides, for
 * each destination in input order, whether it is sent, and as what.
 */
import type { CountryCode } from 'libphonenumber-js';
import type { Directory, KnownContact } from '../../contacts/domain/directory';
import {
  describeInput,
  Identifier,
  identifierKey,
  IdentifierKind,
  ParseResult,
  tryParseIdentifier,
} from '../../identifiers/domain/identifier';
import { mask } from '../../common/logging/mask';

export type Prefer = 'msisdn' | 'bsuid';
export type Action = 'send' | 'duplicate' | 'rewritten' | 'rejected';
export type ReasonCode =
  | 'INVALID_DESTINATION'
  | 'DUPLICATE'
  | 'BSUID_AUTH_TEMPLATE'
  | 'BSUID_WRONG_PORTFOLIO'
  | 'CARE_WINDOW_CLOSED'
  | 'INVALID_CONTACT'
  | 'BSUID_REPLACED'
  | 'TEMPLATE_UNKNOWN'
  | 'MARKETING_OPT_OUT';

export interface PlanOptions {
  region: CountryCode;
  prefer: Prefer;
  /** A message is an authentication template (one-tap, zero-tap, copy-code). */
  authentication: boolean;
  /** A message is a template the registry does not know (after a refresh), and the portfolio keeps those off BSUIDs. */
  unknownTemplate: boolean;
  /** A message is not a template: it needs the 24-hour customer care window. */
  freeForm: boolean;
  careWindowPolicy: boolean;
  skipInvalidPolicy: boolean;
  /** A message is a MARKETING template, and users who stopped marketing messages are skipped. */
  skipMarketingOptOut: boolean;
  now: Date;
}

export interface DestinationReport {
  input: unknown;
  action: Action;
  sendAs?: string;
  duplicateOf?: unknown;
  /** Where the destination this one duplicates stands in the request's `destinations`, counted from 0. */
  duplicateOfIndex?: number;
  code?: ReasonCode;
  reason: string;
}

export interface Plan {
  /** The request's destinations: one per person, in order of first appearance. */
  destinations: string[];
  /** The same, read: what kind of identifier each destination is. */
  sent: Identifier[];
  /** One entry per input destination, in input order. */
  report: DestinationReport[];
  /** For each input, the index in `destinations` it is delivered through (its own, or its twin's); null when rejected. */
  positions: (number | null)[];
}

interface Entry {
  index: number;
  input: unknown;
  identifier: Identifier;
  contact: KnownContact | undefined;
}

/**
 * Plans every destination: parse, group the ones that are one person, choose and check what each
 * person is sent as. `parsed` spares a second parse of inputs the caller has read already.
 */
export function planDestinations(inputs: unknown[], directory: Directory, options: PlanOptions, parsed?: ParseResult[]): Plan {
  const report = new Array<DestinationReport>(inputs.length);
  const positions = new Array<number | null>(inputs.length).fill(null);
  const people = new Map<string, Entry[]>();
  inputs.forEach((input, index) => {
    const read = parsed?.[index] ?? tryParseIdentifier(input, options.region);
    if (!read.ok) {
      report[index] = { input, action: 'rejected', code: 'INVALID_DESTINATION', reason: `${describeInput(input)} ${read.reason}` };
      return;
    }
    const identifier = read.identifier;
    if (identifier.kind !== 'msisdn' && directory.foreign.has(identifier.value)) {
      report[index] = { input, action: 'rejected', code: 'BSUID_WRONG_PORTFOLIO', reason: WRONG_PORTFOLIO[identifier.kind] };
      return;
    }
    const contact = directory.contacts.get(identifierKey(identifier));
    // One person: one contact, or (unknown to the book) one canonical identifier.
    const person = contact ? `contact\u0000${contact.id}` : identifierKey(identifier);
    const entries = people.get(person) ?? [];
    entries.push({ index, input, identifier, contact });
    people.set(person, entries);
  });

  const destinations: string[] = [];
  const sent: Identifier[] = [];
  for (const entries of [...people.values()].sort((a, b) => a[0].index - b[0].index)) {
    const decision = decide(entries, options);
    if (decision.rejected) {
      for (const entry of entries) report[entry.index] = { input: entry.input, action: 'rejected', ...decision.rejected };
      continue;
    }
    const position = destinations.push(decision.sendAs.value) - 1;
    sent.push(decision.sendAs);
    for (const entry of entries) {
      positions[entry.index] = position;
      report[entry.index] = reportFor(entry, decision);
    }
  }
  return { destinations, sent, report, positions };
}

type Decision =
  | { rejected: { code: ReasonCode; reason: string } }
  | { rejected?: undefined; kept: Entry; sendAs: Identifier; rewritten?: { code: ReasonCode; reason: string } };

function reportFor(entry: Entry, decision: Exclude<Decision, { rejected: object }>): DestinationReport {
  const sendAs = decision.sendAs.value;
  if (entry !== decision.kept) {
    const kept = decision.kept;
    return {
      input: entry.input,
      action: 'duplicate',
      sendAs,
      duplicateOf: kept.input,
      duplicateOfIndex: kept.index,
      code: 'DUPLICATE',
      reason: duplicateReason(kept.index),
    };
  }
  if (decision.rewritten) return { input: entry.input, action: 'rewritten', sendAs, ...decision.rewritten };
  return { input: entry.input, action: 'send', sendAs, reason: SEND_REASON[entry.identifier.kind] };
}

/** What one person's destinations come to: the one kept (and what it is sent as), or why none is. */
function decide(entries: Entry[], options: PlanOptions): Decision {
  const contact = entries.find((entry) => entry.contact)?.contact;
  if (options.skipInvalidPolicy && contact?.invalid) {
    return {
      rejected: {
        code: 'INVALID_CONTACT',
        reason: 'LINK reported this user invalid (112404) after the last exchange; the request skips invalid contacts',
      },
    };
  }
  if (options.skipMarketingOptOut && contact?.marketingOptedOut) {
    return {
      rejected: {
        code: 'MARKETING_OPT_OUT',
        reason: 'The user stopped marketing messages from this business (Meta user_preferences); the request carries a marketing template',
      },
    };
  }
  if (options.careWindowPolicy && options.freeForm && !(contact?.careWindowOpenUntil && contact.careWindowOpenUntil > options.now)) {
    return {
      rejected: {
        code: 'CARE_WINDOW_CLOSED',
        reason: 'No message from this user in the last 24 hours: outside the care window only templates may be sent',
      },
    };
  }
  // Authentication templates never go to a BSUID, and neither does a template that may be one
  // (DESIGN: Dedupe and enforcement): the phone is preferred whatever was asked.
  const phoneOnly = options.authentication || options.unknownTemplate;
  const prefer = phoneOnly ? 'msisdn' : options.prefer;
  const kept = choose(entries, prefer, contact);
  if (phoneOnly && kept.identifier.kind !== 'msisdn') {
    const [code, why]: [ReasonCode, string] = options.authentication
      ? ['BSUID_AUTH_TEMPLATE', 'Authentication templates cannot be sent to a BSUID']
      : [
          'TEMPLATE_UNKNOWN',
          'The template registry does not know this template (not even after asking LINK, when it could be asked), and it may be an authentication template, which cannot be sent to a BSUID',
        ];
    if (!contact?.msisdn) return { rejected: { code, reason: `${why}, and no phone number is known for this user` } };
    const reason = `${why}: sent to the contact's phone number ${mask(contact.msisdn)} instead`;
    return { kept, sendAs: { kind: 'msisdn', value: contact.msisdn }, rewritten: { code, reason } };
  }
  if (contact && kept.identifier.kind === 'bsuid' && kept.identifier.value !== contact.bsuid) {
    // A BSUID the contact held once (it survives only in history): send to what reaches the person now.
    const current = currentIdentifier(contact, prefer);
    if (!current)
      return {
        rejected: { code: 'BSUID_REPLACED', reason: 'This BSUID was replaced, and the contact holds no identifier to send to now' },
      };
    return {
      kept,
      sendAs: current,
      rewritten: { code: 'BSUID_REPLACED', reason: 'This BSUID was replaced: sent to what the contact holds now' },
    };
  }
  return { kept, sendAs: kept.identifier };
}

function currentIdentifier(contact: KnownContact, prefer: Prefer): Identifier | undefined {
  const order: IdentifierKind[] = prefer === 'msisdn' ? ['msisdn', 'bsuid', 'parentBsuid'] : ['bsuid', 'parentBsuid', 'msisdn'];
  const kind = order.find((candidate) => contact[candidate] !== null);
  return kind ? { kind, value: contact[kind] as string } : undefined;
}

/**
 * The destination of the preferred kind, else of the next kind. Within a kind, the one the contact
 * holds now wins over an older one, then the earliest.
 */
function choose(entries: Entry[], prefer: Prefer, contact: KnownContact | undefined): Entry {
  const order: IdentifierKind[] = prefer === 'msisdn' ? ['msisdn', 'bsuid', 'parentBsuid'] : ['bsuid', 'parentBsuid', 'msisdn'];
  for (const kind of order) {
    const ofKind = entries.filter((entry) => entry.identifier.kind === kind);
    const found = ofKind.find((entry) => contact?.[kind] === entry.identifier.value) ?? ofKind[0];
    if (found) return found;
  }
  return entries[0];
}

const SEND_REASON: Record<IdentifierKind, string> = {
  msisdn: 'Sent to the phone number, in its international form',
  bsuid: 'Sent to the BSUID',
  parentBsuid: 'Sent to the parent BSUID',
};
/** The kept destination may come later in the list (a BSUID preferred to the phone before it): named by its place, counted from 1. */
const duplicateReason = (keptIndex: number) => `The same person as destination ${keptIndex + 1}: sent once, through that one`;
const WRONG_PORTFOLIO: Record<'bsuid' | 'parentBsuid', string> = {
  bsuid: 'This BSUID belongs to another business portfolio: a BSUID works only in the portfolio that learned it',
  parentBsuid: 'This parent BSUID belongs to a portfolio outside this group: a parent BSUID works only within its group',
};
