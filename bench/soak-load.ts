/**
 * The soak's load: workers that each run one operation after another until the deadline, a mix of
 * webhooks (new, redelivered, retried after a 503), look-ups, dedupes, imports and erasures, about
 * the people of `soak-population.ts`. Every answer is counted by kind and status, timed, and
 * checked against what that kind of request may answer.
 */
import { Agent, request } from 'node:http';
import { PORT } from './support';
import {
  contactsFrom,
  DLR_FAILED,
  DLR_INVALID,
  dlrTo,
  knownCarried,
  moFrom,
  Person,
  PORTFOLIOS,
  record,
  SoakPortfolio,
  Webhook,
} from './soak-population';

export const SECRETS = {
  admin: 'soak-admin-secret-0123456789',
  webhook: 'soak-link-secret-0123456789',
  sender: 'soak-sender-secret-0123456789',
  crm: 'soak-crm-secret-0123456789',
};

export const API_KEYS = [
  { name: 'admin', secret: SECRETS.admin, roles: ['admin'], portfolios: ['*'] },
  { name: 'link', secret: SECRETS.webhook, roles: ['webhook'], portfolios: ['*'] },
  { name: 'sender', secret: SECRETS.sender, roles: ['send'], portfolios: PORTFOLIOS.map((portfolio) => portfolio.key) },
  { name: 'crm', secret: SECRETS.crm, roles: ['read'], portfolios: PORTFOLIOS.map((portfolio) => portfolio.key) },
];

const bearer = (secret: string) => `Bearer ${secret}`;
const LINK_AUTH = `Basic ${Buffer.from(`link:${SECRETS.webhook}`).toString('base64')}`;

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

export interface Answer {
  status: number;
  body: string;
}

/** One request to the service on 127.0.0.1; answers its status and whole body, whatever the status. */
export function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, authorization: string, body?: string): Promise<Answer> {
  const headers: Record<string, string | number> = { authorization };
  if (body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: PORT, path, method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Counts, statuses and latencies per kind of request, and the answers no request of that kind may get. */
export class Tally {
  readonly latencies = new Map<string, number[]>();
  readonly statuses = new Map<string, Map<number, number>>();
  readonly unexpected: string[] = [];

  add(kind: string, status: number, milliseconds: number): void {
    if (!this.latencies.has(kind)) this.latencies.set(kind, []);
    (this.latencies.get(kind) as number[]).push(milliseconds);
    const byStatus = this.statuses.get(kind) ?? new Map<number, number>();
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    this.statuses.set(kind, byStatus);
  }

  /** Keeps the first 20 in full; the rest are counted in the statuses. */
  flag(what: string): void {
    if (this.unexpected.length < 20) this.unexpected.push(what);
    else this.unexpected[19] = `… and more (last: ${what})`;
  }
}

export interface LoadOptions {
  people: Person[];
  concurrency: number;
  deadline: number;
  random: () => number;
  tally: Tally;
}

/** What the load sent and got 2xx for; the checks compare the database with it. */
export interface Delivered {
  webhooks: Webhook[];
  erased: { portfolio: SoakPortfolio; person: Person }[];
}

/** How often each operation is picked (out of the sum). */
const MIX: [Operation, number][] = [
  ['mo', 40],
  ['dlr', 20],
  ['redelivery', 8],
  ['contacts', 3],
  ['merge', 3],
  ['relink', 2],
  ['resolve', 14],
  ['resolve-batch', 5],
  ['dedupe', 6],
  ['import', 0.6],
  ['erase', 0.4],
];
type Operation =
  'mo' | 'dlr' | 'redelivery' | 'contacts' | 'merge' | 'relink' | 'resolve' | 'resolve-batch' | 'dedupe' | 'import' | 'erase';
const MIX_TOTAL = MIX.reduce((sum, [, weight]) => sum + weight, 0);

export class Load {
  readonly delivered: Delivered = { webhooks: [], erased: [] };
  /** Webhooks answered 503: LINK sends them again. */
  private readonly retries: Webhook[] = [];
  /** A few people most requests are about, so that their webhooks race one another. */
  private readonly hot: Person[];
  private readonly byKind = new Map<Person['kind'], Person[]>();
  private imports = 0;
  private picked = 0;

  constructor(private readonly options: LoadOptions) {
    this.hot = options.people.filter((person) => !person.erasable).slice(0, 24);
    for (const person of options.people) {
      if (!this.byKind.has(person.kind)) this.byKind.set(person.kind, []);
      (this.byKind.get(person.kind) as Person[]).push(person);
    }
  }

  async run(): Promise<void> {
    await Promise.all(Array.from({ length: this.options.concurrency }, () => this.worker()));
  }

  /** Sends each webhook still answered 503 again, until it is taken or `attempts` run out. */
  async drainRetries(attempts = 20): Promise<void> {
    for (let attempt = 0; attempt < attempts && this.retries.length > 0; attempt++) {
      const pending = this.retries.splice(0);
      await Promise.all(pending.map((webhook) => this.retry(webhook)));
      if (this.retries.length > 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    for (const webhook of this.retries) this.options.tally.flag(`${webhook.receiptKey} still not taken after ${attempts} retries`);
  }

  /**
   * A phone-first person whose phone and BSUID never came together in one 2xx webhook has two
   * contacts: one sent DLR naming both, as LINK would send for the next template, makes them one.
   */
  async pairPhoneFirst(): Promise<void> {
    const sends: Promise<unknown>[] = [];
    for (const person of this.options.people) {
      if (person.kind !== 'phone-first' || person.erased) continue;
      for (const portfolio of person.portfolios) {
        const seen = person.seen.get(portfolio.key);
        if (!seen || seen.paired || seen.carried.size === 0) continue;
        const bsuid = person.bsuids.get(portfolio.key) as string;
        sends.push(
          this.sendWebhook(
            dlrTo(person, portfolio, this.options.random, undefined, {
              msisdn: person.msisdn,
              bsuid,
              ...(person.parent ? { parentBsuid: person.parent } : {}),
            }),
            'dlr-pairing',
          ),
        );
      }
    }
    await Promise.all(sends);
    await this.drainRetries();
  }

  private async worker(): Promise<void> {
    while (Date.now() < this.options.deadline) {
      const retry = this.retries.shift();
      if (retry) {
        await this.retry(retry);
        continue;
      }
      await this.operate(this.pickOperation());
    }
  }

  /** A webhook waiting to be sent again counts as a request about its person, so that no erasure overtakes it. */
  private async retry(webhook: Webhook): Promise<void> {
    try {
      await this.sendWebhook(webhook, 'retry');
    } finally {
      webhook.person.inFlight--;
    }
  }

  /** One of each kind first, so that even a short soak runs every kind; then drawn by weight. */
  private pickOperation(): Operation {
    if (this.picked < MIX.length) return MIX[this.picked++][0];
    let roll = this.options.random() * MIX_TOTAL;
    for (const [operation, weight] of MIX) if ((roll -= weight) < 0) return operation;
    return 'mo';
  }

  private async operate(operation: Operation): Promise<void> {
    const random = this.options.random;
    if (operation === 'erase') return this.erase();
    if (operation === 'import') return this.importClaims();
    if (operation === 'redelivery') return this.redeliver();
    const portfolio = PORTFOLIOS[random() < 0.6 ? 0 : 1];
    if (operation === 'resolve') return this.resolveOne(portfolio);
    if (operation === 'resolve-batch') return this.resolveBatch(portfolio);
    if (operation === 'dedupe') return this.dedupe(portfolio);
    const kind = ({ contacts: 'username', merge: 'phone-first', relink: 'recycled-old' } as Partial<Record<Operation, Person['kind']>>)[
      operation
    ];
    const person = this.pickPerson(portfolio, kind);
    if (!person) return;
    person.inFlight++;
    try {
      if (operation === 'mo') await this.sendWebhook(moFrom(person, portfolio, random), 'mo');
      else if (operation === 'merge') await this.mergeSequence(person, portfolio);
      else if (operation === 'relink') await this.relinkSequence(person, portfolio);
      else if (operation === 'contacts') {
        const other = random() < 0.5 ? undefined : this.pickPerson(portfolio);
        await this.sendWebhook(
          contactsFrom(person, portfolio, random, other === person ? undefined : other),
          other && other !== person ? 'mo-card' : 'mo-share',
        );
      } else {
        const roll = random();
        const known = knownCarried(person, portfolio);
        // A failed or invalid DLR only finds contacts: it names what the graph already holds.
        if (roll < 0.08 && known) await this.sendWebhook(dlrTo(person, portfolio, random, DLR_FAILED, known), 'dlr-failed');
        else if (roll < 0.12 && known) await this.sendWebhook(dlrTo(person, portfolio, random, DLR_INVALID, known), 'dlr-invalid');
        else await this.sendWebhook(dlrTo(person, portfolio, random), 'dlr');
      }
    } finally {
      person.inFlight--;
    }
  }

  /**
   * Two contacts of one person, one known by phone and one by BSUID (sent at once, so they race),
   * then a DLR naming both: the younger folds into the older (merge).
   */
  private async mergeSequence(person: Person, portfolio: SoakPortfolio): Promise<void> {
    const random = this.options.random;
    const bsuid = { bsuid: person.bsuids.get(portfolio.key) as string, ...(person.parent ? { parentBsuid: person.parent } : {}) };
    await Promise.all([
      this.sendWebhook(moFrom(person, portfolio, random, { msisdn: person.msisdn }), 'mo'),
      this.sendWebhook(moFrom(person, portfolio, random, bsuid), 'mo'),
    ]);
    await this.sendWebhook(dlrTo(person, portfolio, random, undefined, { msisdn: person.msisdn, ...bsuid }), 'dlr');
  }

  /**
   * A recycled number: its old user's webhook and its new user's, sent at once in either order. The
   * new user's events are later, so the number ends with the new user whichever is applied first.
   */
  private async relinkSequence(old: Person, portfolio: SoakPortfolio): Promise<void> {
    const young = old.twin as Person;
    if (young.erasing || young.erased) return;
    young.inFlight++;
    try {
      const random = this.options.random;
      const both = (person: Person) => ({
        msisdn: person.msisdn,
        bsuid: person.bsuids.get(portfolio.key) as string,
        ...(person.parent ? { parentBsuid: person.parent } : {}),
      });
      const sends = [
        () => this.sendWebhook(moFrom(old, portfolio, random, both(old)), 'mo'),
        () => this.sendWebhook(dlrTo(young, portfolio, random, undefined, both(young)), 'dlr'),
      ];
      await Promise.all((random() < 0.5 ? sends : sends.reverse()).map((send) => send()));
    } finally {
      young.inFlight--;
    }
  }

  /** Anyone (of `kind`) in the portfolio not being erased, a hot person one time in five. */
  private pickPerson(portfolio: SoakPortfolio, kind?: Person['kind']): Person | undefined {
    const random = this.options.random;
    for (let tries = 0; tries < 20; tries++) {
      // Some people write far more than others: a skewed pick, and a few hot people.
      const pool = kind ? (this.byKind.get(kind) ?? []) : random() < 0.2 ? this.hot : this.options.people;
      const person = pool[Math.floor(random() ** 2 * pool.length)];
      if (!person || person.erasing || person.erased || !person.portfolios.includes(portfolio)) continue;
      return person;
    }
    return undefined;
  }

  private async sendWebhook(webhook: Webhook, kind: string): Promise<void> {
    const started = performance.now();
    const answer = await call('POST', `/webhooks/link/${webhook.kind}`, LINK_AUTH, webhook.body);
    this.options.tally.add(kind, answer.status, performance.now() - started);
    if (answer.status === 503) {
      webhook.person.inFlight++;
      this.retries.push(webhook);
    } else if (answer.status !== 200) {
      this.options.tally.flag(`${kind} ${webhook.receiptKey} answered ${answer.status}: ${answer.body.slice(0, 200)}`);
    } else if (kind === 'redelivery') {
      const status = (JSON.parse(answer.body) as { status?: string }).status;
      if (status !== 'duplicate') this.options.tally.flag(`redelivered ${webhook.receiptKey} was ${status}, not a duplicate`);
    } else {
      record(webhook);
      this.delivered.webhooks.push(webhook);
    }
  }

  /** LINK sends a webhook again when it missed the answer: one already answered 2xx. */
  private async redeliver(): Promise<void> {
    const webhooks = this.delivered.webhooks;
    if (webhooks.length === 0) return;
    const webhook = webhooks[Math.floor(this.options.random() * webhooks.length)];
    if (webhook.person.erasing || webhook.person.erased) return;
    webhook.person.inFlight++;
    try {
      await this.sendWebhook(webhook, 'redelivery');
    } finally {
      webhook.person.inFlight--;
    }
  }

  /** An identifier of someone the portfolio has heard of three times in four, else of anyone. */
  private identifierOf(portfolio: SoakPortfolio): string {
    const random = this.options.random;
    const webhooks = this.delivered.webhooks;
    if (webhooks.length > 0 && random() < 0.75) {
      const webhook = webhooks[Math.floor(random() * webhooks.length)];
      const values = Object.values(webhook.carried);
      if (webhook.portfolio === portfolio) return values[Math.floor(random() * values.length)];
    }
    const person = this.options.people[Math.floor(random() * this.options.people.length)];
    const roll = random();
    if (roll < 0.45) return person.msisdn;
    if (roll < 0.9) return person.bsuids.get(portfolio.key) ?? [...person.bsuids.values()][0];
    return person.parent ?? person.msisdn;
  }

  private async timed(
    kind: string,
    expected: number[],
    send: () => Promise<Answer>,
    check?: (body: string) => string | undefined,
  ): Promise<void> {
    const started = performance.now();
    const answer = await send();
    this.options.tally.add(kind, answer.status, performance.now() - started);
    const problem = !expected.includes(answer.status)
      ? `answered ${answer.status}: ${answer.body.slice(0, 200)}`
      : answer.status < 300
        ? check?.(answer.body)
        : undefined;
    if (problem) this.options.tally.flag(`${kind} ${problem}`);
  }

  private resolveOne(portfolio: SoakPortfolio): Promise<void> {
    const identifier = this.identifierOf(portfolio);
    return this.timed('resolve', [200, 404], () =>
      call('GET', `/v1/portfolios/${portfolio.key}/contacts/${encodeURIComponent(identifier)}`, bearer(SECRETS.crm)),
    );
  }

  private resolveBatch(portfolio: SoakPortfolio): Promise<void> {
    const identifiers = Array.from({ length: 100 + Math.floor(this.options.random() * 400) }, () => this.identifierOf(portfolio));
    return this.timed(
      'resolve-batch',
      [200],
      () => call('POST', `/v1/portfolios/${portfolio.key}/contacts/resolve`, bearer(SECRETS.crm), JSON.stringify({ identifiers })),
      (body) => {
        const results = (JSON.parse(body) as { results: { input: string; status: string }[] }).results;
        const wrong =
          results.length !== identifiers.length ||
          results.some((result, index) => result.input !== identifiers[index] || !['found', 'unknown'].includes(result.status));
        return wrong ? 'answered other results than one found or unknown per identifier, in order' : undefined;
      },
    );
  }

  private dedupe(portfolio: SoakPortfolio): Promise<void> {
    const other = PORTFOLIOS.find((candidate) => candidate !== portfolio) as SoakPortfolio;
    const destinations = Array.from({ length: 5 + Math.floor(this.options.random() * 45) }, () =>
      this.identifierOf(this.options.random() < 0.95 ? portfolio : other),
    );
    destinations.push('+46701234567', 'not a number');
    const request = {
      platformId: portfolio.platformId,
      platformPartnerId: portfolio.platformPartnerId,
      priority: 'NORMAL',
      refId: 'soak',
      source: portfolio.businessNumber,
      destinations,
      messages: [{ type: 'text', text: { body: 'Hello' } }],
    };
    return this.timed(
      'dedupe',
      [200],
      () => call('POST', '/v1/messages/dedupe', bearer(SECRETS.sender), JSON.stringify(request)),
      (body) =>
        (JSON.parse(body) as { destinations: unknown[] }).destinations.length === destinations.length
          ? undefined
          : 'answered another number of destinations than it was given',
    );
  }

  /**
   * A CRM's import: claims that agree with what LINK says (a person's BSUID, parent and, for a
   * regular person, phone) and people only the CRM knows. None contradicts a webhook, so none may move a link.
   */
  private async importClaims(): Promise<void> {
    const random = this.options.random;
    const portfolio = PORTFOLIOS[random() < 0.6 ? 0 : 1];
    const rows: Record<string, string>[] = [];
    const people: Person[] = [];
    for (let index = 0; index < 40; index++) {
      const person = this.pickPerson(portfolio);
      if (!person || person.kind.startsWith('recycled') || person.kind === 'phone-first' || people.includes(person)) continue;
      people.push(person);
      const row: Record<string, string> = { bsuid: person.bsuids.get(portfolio.key) as string, externalId: `crm-${person.index}` };
      if (person.parent) row.parentBsuid = person.parent;
      if (person.kind === 'regular') row.msisdn = person.msisdn;
      rows.push(row);
    }
    const batch = ++this.imports;
    for (let index = 0; index < 10; index++) {
      rows.push({
        msisdn: `+4673${String(batch * 100 + index).padStart(7, '0')}`,
        bsuid: `SE.${portfolio.tag}CRM${String(batch * 100 + index).padStart(9, '0')}`,
      });
    }
    people.forEach((person) => person.inFlight++);
    try {
      await this.timed(
        'import',
        [200],
        () => call('PUT', `/v1/portfolios/${portfolio.key}/contacts`, bearer(SECRETS.admin), JSON.stringify({ contacts: rows })),
        (body) => {
          const report = JSON.parse(body) as { rows: number; invalid: number };
          return report.rows !== rows.length || report.invalid !== 0 ? `reported ${body.slice(0, 200)}` : undefined;
        },
      );
    } finally {
      people.forEach((person) => person.inFlight--);
    }
  }

  /** Erases an erasable person once no request about them runs; nothing names them afterwards. */
  private async erase(): Promise<void> {
    const erasable = this.options.people.filter((person) => person.erasable && !person.erasing && !person.erased);
    // Mostly people the graph knows, so that most erasures find someone.
    const known = erasable.filter((person) => [...person.seen.values()].some((seen) => seen.carried.size > 0));
    const candidates = known.length > 0 && this.options.random() < 0.9 ? known : erasable;
    const person = candidates[Math.floor(this.options.random() * candidates.length)];
    if (!person) return;
    person.erasing = true;
    while (person.inFlight > 0) {
      if (Date.now() > this.options.deadline) return void (person.erasing = false);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const portfolio = person.portfolios[0];
    await this.timed('erase', [200, 404], () =>
      call(
        'DELETE',
        `/v1/portfolios/${portfolio.key}/contacts/${encodeURIComponent(person.bsuids.get(portfolio.key) as string)}`,
        bearer(SECRETS.admin),
      ),
    );
    person.erased = true;
    this.delivered.erased.push({ portfolio, person });
  }
}

/** Creates both portfolios, in one group. */
export async function createPortfolios(): Promise<void> {
  for (const portfolio of PORTFOLIOS) {
    const body = {
      businessNumbers: [portfolio.businessNumber],
      platformId: portfolio.platformId,
      platformPartnerId: portfolio.platformPartnerId,
      region: portfolio.region,
      group: 'soak',
    };
    const answer = await call('PUT', `/v1/portfolios/${portfolio.key}`, bearer(SECRETS.admin), JSON.stringify(body));
    if (answer.status >= 300) throw new Error(`PUT /v1/portfolios/${portfolio.key} answered ${answer.status}: ${answer.body}`);
  }
}
