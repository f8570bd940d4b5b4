/**
 * The soak's people and what LINK would send about them, with what the graph must end up holding.
 *
 * Each person is one WhatsApp user in one or both portfolios, of one kind:
 * - `phone-first`: webhooks carry the phone only, the BSUID only, or both (those merge the two contacts);
 * - `username`: a username adopter, whose webhooks carry BSUIDs only; now and then the phone, through
 *   the REQUEST_CONTACT_INFO button, or someone else's number on a forwarded card (a claim);
 * - `regular`: phone and BSUIDs, or the BSUIDs only;
 * - `recycled-old` and `recycled-new`: two users of one phone number, the new one's events all later
 *   than the old one's, so that the number moves to the new one's BSUID (relink) whatever the order
 *   of arrival. No phone-only webhook names a recycled number: it would be ambiguous by nature.
 */

export interface SoakPortfolio {
  key: string;
  businessNumber: string;
  platformId: string;
  platformPartnerId: string;
  region: string;
  /** The letter in its BSUIDs. */
  tag: string;
}

export const PORTFOLIOS: SoakPortfolio[] = [
  { key: 'soak-a', businessNumber: '+46000000100', platformId: 'SOAK_A', platformPartnerId: '1', region: 'SE', tag: 'A' },
  { key: 'soak-b', businessNumber: '+47000000200', platformId: 'SOAK_B', platformPartnerId: '2', region: 'NO', tag: 'B' },
];
export const GROUP = 'soak';

export type Kind = 'phone-first' | 'username' | 'regular' | 'recycled-old' | 'recycled-new';
export type Field = 'msisdn' | 'bsuid' | 'parentBsuid';

export interface Person {
  index: number;
  kind: Kind;
  portfolios: SoakPortfolio[];
  msisdn: string;
  /** This person's BSUID in each of its portfolios. */
  bsuids: Map<string, string>;
  parent: string | null;
  /** The other user of a recycled number. */
  twin?: Person;
  /** Event times are drawn from [from, to): a recycled number's new user comes after its old one. */
  era: { from: number; to: number };
  /** Only some regular people are erased, never while a request about them runs. */
  erasable: boolean;
  inFlight: number;
  erasing: boolean;
  erased: boolean;
  /** Per portfolio: what the 2xx answers established. */
  seen: Map<string, Seen>;
}

export interface Seen {
  /** Latest event time of an MO (inbound) and of a sent DLR (outbound) answered 2xx. */
  lastInbound: number | null;
  lastOutbound: number | null;
  /** A 2xx webhook carried the phone together with the BSUID. */
  paired: boolean;
  /** A 2xx webhook carried these identifiers (a failed DLR only finds contacts already there). */
  carried: Set<Field>;
}

/** A webhook as sent, and what it says about whom. */
export interface Webhook {
  kind: 'mo' | 'dlr';
  portfolio: SoakPortfolio;
  person: Person;
  receiptKey: string;
  body: string;
  /** The identifiers it attests for `person`, and the phone a forwarded card only claims. */
  carried: Partial<Record<Field, string>>;
  claimedPhone?: string;
  eventAt: number;
  activity: 'inbound' | 'outbound' | 'none';
}

const DAY = 86_400_000;

/**
 * `count` people across both portfolios, a fifth of those of soak-a also in soak-b (one user: one
 * phone and parent BSUID, a BSUID per portfolio). Event times fall in the 40 days before `now`.
 */
export function createPopulation(count: number, random: () => number, now: number): Person[] {
  const start = now - 40 * DAY;
  const people: Person[] = [];
  const add = (kind: Kind, portfolios: SoakPortfolio[], msisdn: string, era: { from: number; to: number }): Person => {
    const index = people.length;
    const person: Person = {
      index,
      kind,
      portfolios,
      msisdn,
      bsuids: new Map(portfolios.map((portfolio) => [portfolio.key, `SE.${portfolio.tag}${String(index + 1).padStart(12, '0')}`])),
      parent: random() < 0.7 ? `SE.ENT.P${String(index + 1).padStart(12, '0')}` : null,
      era,
      erasable: false,
      inFlight: 0,
      erasing: false,
      erased: false,
      seen: new Map(
        portfolios.map((portfolio) => [portfolio.key, { lastInbound: null, lastOutbound: null, paired: false, carried: new Set<Field>() }]),
      ),
    };
    people.push(person);
    return person;
  };
  const phone = (n: number) => `+4670${String(1_000_000 + n).padStart(7, '0')}`;
  const whole = { from: start, to: now - DAY };
  while (people.length < count) {
    const roll = random();
    const inSoakA = [PORTFOLIOS[0]];
    const portfolios = random() < 0.6 ? (random() < 0.2 ? PORTFOLIOS : inSoakA) : [PORTFOLIOS[1]];
    const number = phone(people.length);
    if (roll < 0.25) add('phone-first', portfolios, number, whole);
    else if (roll < 0.45) add('username', portfolios, number, whole);
    else if (roll < 0.9) add('regular', portfolios, number, whole).erasable = portfolios.length === 1 && random() < 0.1;
    else {
      // Both users of a recycled number live in one portfolio.
      const single = [portfolios[0]];
      const old = add('recycled-old', single, number, { from: start, to: start + 19 * DAY });
      const young = add('recycled-new', single, number, { from: start + 20 * DAY, to: now - DAY });
      old.twin = young;
      young.twin = old;
    }
  }
  return people;
}

let messages = 0;
const nextMessageId = (prefix: string) => `${prefix}${(++messages).toString(36).padStart(8, '0')}`;

/** An event time of the person's era, to the millisecond, as LINK writes it (RFC 3339). */
function eventTime(person: Person, random: () => number): number {
  return Math.floor(person.era.from + random() * (person.era.to - person.era.from));
}

/** Which identifiers an MO or a DLR of this person carries this time. */
function pick(person: Person, portfolio: SoakPortfolio, random: () => number): Partial<Record<Field, string>> {
  const bsuid = person.bsuids.get(portfolio.key) as string;
  const withBsuid = { bsuid, ...(person.parent ? { parentBsuid: person.parent } : {}) };
  const roll = random();
  switch (person.kind) {
    case 'phone-first':
      return roll < 0.45 ? { msisdn: person.msisdn } : roll < 0.75 ? withBsuid : { msisdn: person.msisdn, ...withBsuid };
    case 'username':
      return withBsuid;
    default:
      return roll < 0.8 ? { msisdn: person.msisdn, ...withBsuid } : withBsuid;
  }
}

/** An incoming text from the person (LINK's MO Example#2 shape). */
export function moFrom(person: Person, portfolio: SoakPortfolio, random: () => number, carried = pick(person, portfolio, random)): Webhook {
  const eventAt = eventTime(person, random);
  const messageId = nextMessageId('mo');
  const parameters = carried.bsuid
    ? { whatsappUserId: carried.bsuid, ...(carried.parentBsuid ? { whatsappParentUserId: carried.parentBsuid } : {}) }
    : null;
  const body = {
    destination: portfolio.businessNumber,
    source: carried.msisdn ?? carried.bsuid,
    content: { type: 'WHATSAPP', message: { contentType: 'TEXT', text: 'Hello from the soak' } },
    provider: 'whatsapp',
    timestamp: new Date(eventAt).toISOString(),
    messageId,
    customParameters: parameters,
  };
  return {
    kind: 'mo',
    portfolio,
    person,
    receiptKey: `mo:${messageId}`,
    body: JSON.stringify(body),
    carried,
    eventAt,
    activity: 'inbound',
  };
}

/**
 * A contacts message from a username adopter: their own phone through REQUEST_CONTACT_INFO (attested),
 * or a card of someone else's number (a claim, kept as a conflict).
 */
export function contactsFrom(person: Person, portfolio: SoakPortfolio, random: () => number, other: Person | undefined): Webhook {
  const own = other === undefined;
  const phone = own ? person.msisdn : other.msisdn;
  const webhook = moFrom(person, portfolio, random, pick(person, portfolio, random));
  const body = JSON.parse(webhook.body) as Record<string, unknown>;
  body.source = webhook.carried.bsuid;
  body.content = {
    type: 'WHATSAPP',
    message: {
      contentType: 'CONTACTS',
      contacts: [
        {
          name: { formattedName: 'Soak' },
          phones: [{ phone, type: 'CELL', waId: phone.slice(1) }],
          ...(own ? { origin: 'contact_request' } : {}),
        },
      ],
    },
  };
  return {
    ...webhook,
    body: JSON.stringify(body),
    carried: own ? { ...webhook.carried, msisdn: phone } : webhook.carried,
    claimedPhone: own ? undefined : phone,
  };
}

export const DLR_SENT = 112006;
export const DLR_FAILED = 112403;
export const DLR_INVALID = 112404;

/**
 * A status notification about a message to the person. A failed or invalid one finds contacts but
 * never links: it names only identifiers a 2xx webhook already gave the graph.
 */
export function dlrTo(
  person: Person,
  portfolio: SoakPortfolio,
  random: () => number,
  resultCode = DLR_SENT,
  carried = pick(person, portfolio, random),
): Webhook {
  const eventAt = eventTime(person, random);
  const messageId = nextMessageId('dlr');
  const parameters: Record<string, string> = {
    platformId: portfolio.platformId,
    platformPartnerId: portfolio.platformPartnerId,
    pricingModel: 'PMP',
  };
  if (carried.msisdn) parameters.destination = carried.msisdn;
  if (carried.bsuid) parameters.whatsappUserId = carried.bsuid;
  if (carried.parentBsuid) parameters.whatsappParentUserId = carried.parentBsuid;
  const body = {
    messageId,
    refId: 'soak',
    messageType: 'TemplateMessage',
    messageIndex: 0,
    timestamp: new Date(eventAt).toISOString(),
    resultCode,
    resultDescription: 'soak',
    customParameters: parameters,
  };
  return {
    kind: 'dlr',
    portfolio,
    person,
    receiptKey: `dlr:${messageId}:0:${resultCode}`,
    body: JSON.stringify(body),
    carried,
    eventAt,
    activity: resultCode === DLR_SENT ? 'outbound' : 'none',
  };
}

/** The identifiers a failed or invalid DLR may name: only what the graph already holds for the person. */
export function knownCarried(person: Person, portfolio: SoakPortfolio): Partial<Record<Field, string>> | undefined {
  const seen = person.seen.get(portfolio.key) as Seen;
  const carried: Partial<Record<Field, string>> = {};
  if (seen.carried.has('bsuid')) carried.bsuid = person.bsuids.get(portfolio.key);
  else if (seen.carried.has('msisdn') && !person.twin) carried.msisdn = person.msisdn;
  return Object.keys(carried).length > 0 ? carried : undefined;
}

/** Notes a webhook answered 2xx: its activity, and what it taught the graph. */
export function record(webhook: Webhook): void {
  const seen = webhook.person.seen.get(webhook.portfolio.key) as Seen;
  if (webhook.activity === 'inbound') seen.lastInbound = Math.max(seen.lastInbound ?? -Infinity, webhook.eventAt);
  if (webhook.activity === 'outbound') seen.lastOutbound = Math.max(seen.lastOutbound ?? -Infinity, webhook.eventAt);
  const linking = webhook.kind === 'mo' || webhook.activity === 'outbound';
  if (!linking) return;
  for (const field of Object.keys(webhook.carried) as Field[]) seen.carried.add(field);
  if (webhook.carried.msisdn && webhook.carried.bsuid) seen.paired = true;
}

/**
 * The person an identifier belongs to once everything answered 2xx is applied: its own, except a
 * recycled number, which is the new user's once a webhook of theirs carried it.
 */
export function ownerOf(person: Person, portfolio: SoakPortfolio, field: Field): Person {
  if (field !== 'msisdn' || !person.twin) return person;
  const young = person.kind === 'recycled-new' ? person : person.twin;
  return young.seen.get(portfolio.key)?.carried.has('msisdn') ? young : (young.twin as Person);
}
