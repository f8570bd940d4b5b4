/**
 * The send pipeline on PostgreSQL with the resolve benchmark's portfolio of 1,000,000 contacts,
 * beside baselines measured in the same run:
 * - dedupe of a 1-destination MessageRequest (`POST /v1/messages/dedupe`): p50/p99 latency at a
 *   fixed offered rate, and throughput with many in flight; baseline: the same look-up as a plain
 *   point query through `pg`;
 * - dedupe of a 100,000-destination request (known phones and BSUIDs, twins of them, unknown
 *   numbers, a few invalid strings): median time; baseline: the same strings canonicalised and
 *   de-duplicated in memory (a plain E.164 normalisation and a Set) plus one plain SQL look-up of
 *   the distinct values (index probes joined on `unnest`);
 * - the LINK proxy (`POST /link/messages`, 1 destination) against a fake LINK in this process:
 *   p50/p99 at a fixed offered rate; baseline: the same body posted straight to the fake LINK.
 * The service runs as its own process (as in production); this process sends, and plays LINK.
 *
 *   npm run bench:dedupe            (npm run bench runs the webhooks and resolve benchmarks, then this one)
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { Pool } from 'pg';
import {
  CLOSED_LOOP_MS,
  CONCURRENCY,
  CONTACTS,
  Latency,
  latencyOf,
  logOpenLoop,
  measureSingles,
  ms,
  OPEN_LOOP_MS,
  PORTFOLIO,
  RATE,
  Side,
  Single,
  timed,
} from './single-lookups';
import {
  bsuidOf,
  ensureBusinessNumber,
  ensureContacts,
  ensurePortfolio,
  knownLookup,
  Lookup,
  msisdnOf,
  randomLookups,
  seededRandom,
  UNKNOWN_MSISDN_FROM,
  unknownBsuidOf,
} from './resolve-data';
import { FakeLink, LINK_AUTH, startFakeLink } from './fake-link';
import { closedLoop, DATABASE_URL, ensureDatabase, http, median, openLoop, round2, run, sql, startService, stopService } from './support';

const BUSINESS_NUMBER = process.env.BENCH_BUSINESS_NUMBER ?? '+46101010101';
const PROXY_RATE = Number(process.env.BENCH_PROXY_RATE ?? 100);
const BIG_SIZE = Number(process.env.BENCH_DEDUPE_SIZE ?? 100_000);
const BIG_ROUNDS = Number(process.env.BENCH_DEDUPE_ROUNDS ?? 5);
const SECRET = 'bench-dedupe-secret-0123456789';
const AUTH = `Bearer ${SECRET}`;
const API_KEYS = [{ name: 'sender', secret: SECRET, roles: ['send'], portfolios: [PORTFOLIO] }];
// What the service answers for a destination it keeps (default prefer=msisdn, no policies).
const KEPT = new Set(['send', 'rewritten']);

const TEMPLATE = 'bench_welcome';

/** A LINK MessageRequest from the bench portfolio's business number: one template message. */
function messageRequest(destinations: string[]): Record<string, unknown> {
  return {
    platformId: 'bench-platform',
    platformPartnerId: 'bench-partner',
    refId: `bench-${randomUUID()}`,
    source: BUSINESS_NUMBER,
    priority: 'NORMAL',
    destinations,
    messages: [{ type: 'template', template: { name: TEMPLATE, language: { code: 'en' } } }],
  };
}

async function main(): Promise<void> {
  await ensureDatabase();
  const link = await startFakeLink();
  const env = link.env;
  let server = await startService(API_KEYS, env);
  try {
    // The service caches portfolios and their numbers for 10 s: restart it when either was added.
    const portfolioAdded = await ensurePortfolio(PORTFOLIO);
    const numberAdded = await ensureBusinessNumber(PORTFOLIO, BUSINESS_NUMBER);
    if (portfolioAdded || numberAdded) {
      await stopService(server);
      server = await startService(API_KEYS, env);
    }
    await ensureContacts(PORTFOLIO, CONTACTS);
    // The registry knows the template sent, as in production: an unknown one would be kept off BSUIDs.
    await sql(
      `INSERT INTO template (portfolio, name, language, category, source) VALUES ($1, $2, 'en', 'UTILITY', 'admin') ON CONFLICT DO NOTHING`,
      [PORTFOLIO, TEMPLATE],
    );
    const pool = new Pool({ connectionString: DATABASE_URL, max: CONCURRENCY });
    try {
      console.log(`load average before measuring: ${loadavg()[0].toFixed(2)}`);
      const single = await measureSingles('dedupe 1', pool, dedupeOne, 11);
      const big = await measureBig(pool);
      const proxy = await measureProxy(link);
      console.log(`load average after measuring: ${loadavg()[0].toFixed(2)}`);
      report(single, big, proxy);
    } finally {
      await pool.end();
    }
  } finally {
    await stopService(server);
    await link.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Dedupe of one destination

/** The answer is checked here: parsing a one-destination answer takes microseconds. */
async function dedupeOne(lookup: Lookup): Promise<void> {
  const answer = await http('POST', '/v1/messages/dedupe', AUTH, JSON.stringify(messageRequest([lookup.value])));
  if (answer.status !== 200) throw new Error(`dedupe of ${lookup.value} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  const result = JSON.parse(answer.body) as DedupeAnswer;
  const [entry] = result.destinations ?? [];
  if (
    result.portfolio !== PORTFOLIO ||
    result.destinations.length !== 1 ||
    !KEPT.has(entry.action) ||
    result.request?.destinations?.[0] !== lookup.value
  ) {
    throw new Error(`dedupe of ${lookup.value} answered ${answer.body.slice(0, 300)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Dedupe of 100,000 destinations

interface BigRequest {
  destinations: string[];
  body: string;
  expected: { send: number; duplicate: number; rejected: number };
  /** Distinct canonical values that are loaded contacts: what the baseline's query must find. */
  knownDistinct: number;
}

// Inputs the service must reject (INVALID_DESTINATION): not a number, too short, a placeholder,
// blank, stray letters, an empty parent BSUID, no such country, all zeros.
const INVALID_INPUTS = ['hello', '+46', 'null', '', '+4670-12a45', 'SE.ENT.', 'XX.12345', '000000000'];

/** "+46701234567" as people write it: "+46 70-123 45 67". */
const spaced = (e164: string) => `${e164.slice(0, 3)} ${e164.slice(3, 5)}-${e164.slice(5, 8)} ${e164.slice(8, 10)} ${e164.slice(10)}`;
/** "+46701234567" with the international prefix dialled: "0046701234567". */
const dialled = (e164: string) => `00${e164.slice(1)}`;

/**
 * A send to `size` destinations: about 70 % identifiers of distinct loaded contacts (phones and
 * BSUIDs), 10 % twins of them (the same person by the other identifier, the same phone written
 * "0046…" or "+46 70-…", the same string again), 19 % unknown numbers and BSUIDs (a few of them
 * twice, in another format), 1 % invalid strings; shuffled.
 */
function bigRequestOf(size: number, random: () => number): BigRequest {
  const invalid = Math.round(size * 0.01);
  const knownTwins = Math.round(size * 0.1);
  const unknownTwins = Math.round(size * 0.005);
  const unknown = Math.round(size * 0.19);
  const known = size - invalid - knownTwins - unknownTwins - unknown;
  const contacts = new Set<number>();
  while (contacts.size < known) contacts.add(1 + Math.floor(random() * CONTACTS));
  const people = [...contacts];
  const destinations = people.map((n) => knownLookup(n, random).value);
  const withPhone = people.filter((n) => n % 3 !== 0);
  for (let i = 0; i < knownTwins; i++) {
    const n = withPhone[Math.floor(random() * withPhone.length)];
    const twins = [
      bsuidOf(n), // by BSUID (the primary may be the phone)
      msisdnOf(n), // by phone (the primary may be the BSUID)
      dialled(msisdnOf(n)),
      spaced(msisdnOf(n)),
      destinations[Math.floor(random() * people.length)], // the same string again
    ];
    destinations.push(twins[i % twins.length]);
  }
  const unknownValues: string[] = [];
  const unknownSeen = new Set<number>();
  while (unknownValues.length < unknown) {
    const n = 1 + Math.floor(random() * 999_999);
    if (unknownSeen.has(n)) continue;
    unknownSeen.add(n);
    unknownValues.push(unknownValues.length % 3 === 2 ? unknownBsuidOf(n) : msisdnOf(UNKNOWN_MSISDN_FROM + n));
  }
  destinations.push(...unknownValues);
  const unknownPhones = unknownValues.filter((value) => value.startsWith('+'));
  for (let i = 0; i < unknownTwins; i++) destinations.push(dialled(unknownPhones[Math.floor(random() * unknownPhones.length)]));
  for (let i = 0; i < invalid; i++) destinations.push(INVALID_INPUTS[i % INVALID_INPUTS.length]);
  shuffle(destinations, random);
  // Every distinct known value, from the destinations themselves (the baseline's canonical form).
  const loaded = new Set<string>();
  for (const n of people) {
    loaded.add(bsuidOf(n));
    if (n % 3 !== 0) loaded.add(msisdnOf(n));
  }
  const knownValues = new Set<string>();
  for (const destination of destinations) {
    const canonical = canonicalise(destination);
    if (canonical !== undefined && loaded.has(canonical)) knownValues.add(canonical);
  }
  const duplicate = knownTwins + unknownTwins;
  return {
    destinations,
    body: JSON.stringify(messageRequest(destinations)),
    expected: { send: size - invalid - duplicate, duplicate, rejected: invalid },
    knownDistinct: knownValues.size,
  };
}

const E164 = /^\+[1-9][0-9]{6,14}$/;
const BSUID = /^[A-Z]{2}\.[A-Za-z0-9]{1,128}$/;

/** A plain E.164 normalisation: strip spaces and dashes, "00" becomes "+". BSUIDs as written. */
function canonicalise(raw: string): string | undefined {
  const compact = raw.replace(/[\s-]/g, '');
  const value = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  return E164.test(value) || BSUID.test(value) ? value : undefined;
}

/**
 * Rounds alternate between the sides, after one warm-up each, so that both see the same machine.
 * Each side gets requests of its own (same mix, other contacts), so that neither finds the rows
 * the other has just read in PostgreSQL's buffers.
 */
async function measureBig(pool: Pool): Promise<Record<Side, number>> {
  const random = seededRandom(12);
  const rounds = Array.from({ length: BIG_ROUNDS + 1 }, () => ({
    baseline: bigRequestOf(BIG_SIZE, random),
    service: bigRequestOf(BIG_SIZE, random),
  }));
  console.log(`dedupe ${BIG_SIZE}: request body ${(rounds[0].service.body.length / 1e6).toFixed(1)} MB`);
  const times: Record<Side, number[]> = { service: [], baseline: [] };
  for (const [round, requests] of rounds.entries()) {
    const baseline = await timed(() => baselineBig(pool, requests.baseline));
    const service = await timed(() => postBig(requests.service));
    if (round === 0) {
      console.log(`dedupe ${BIG_SIZE} warm-up: baseline ${ms(baseline)} ms, service ${ms(service)} ms`);
      continue;
    }
    times.baseline.push(baseline);
    times.service.push(service);
    console.log(`dedupe ${BIG_SIZE} round ${round}/${BIG_ROUNDS}: baseline ${ms(baseline)} ms, service ${ms(service)} ms`);
  }
  return { baseline: median(times.baseline), service: median(times.service) };
}

/** The plain way: canonicalise and de-duplicate in memory, then one look-up of the distinct values. */
async function baselineBig(pool: Pool, request: BigRequest): Promise<() => void> {
  const msisdns = new Set<string>();
  const bsuids = new Set<string>();
  for (const destination of request.destinations) {
    const value = canonicalise(destination);
    if (value === undefined) continue;
    (value.startsWith('+') ? msisdns : bsuids).add(value);
  }
  const result = await pool.query(
    `SELECT c.* FROM unnest($2::text[]) AS k(value) JOIN contact c ON c.portfolio = $1 AND c.msisdn = k.value
     UNION ALL
     SELECT c.* FROM unnest($3::text[]) AS k(value) JOIN contact c ON c.portfolio = $1 AND c.bsuid = k.value`,
    [PORTFOLIO, [...msisdns], [...bsuids]],
  );
  return () => {
    if (result.rowCount !== request.knownDistinct)
      throw new Error(`the baseline found ${result.rowCount} contacts, not ${request.knownDistinct}`);
  };
}

async function postBig(request: BigRequest): Promise<() => void> {
  const answer = await http('POST', '/v1/messages/dedupe', AUTH, request.body);
  return () => checkBigAnswer(request, answer.status, answer.body);
}

interface DestinationReport {
  input: unknown;
  action: 'send' | 'duplicate' | 'rewritten' | 'rejected';
  sendAs?: string;
  duplicateOf?: unknown;
  code?: string;
}

interface DedupeAnswer {
  request: { destinations: string[] };
  destinations: DestinationReport[];
  portfolio: string;
}

/** Fails loudly unless every input is reported, in order, and the counts are the ones built in. */
function checkBigAnswer(request: BigRequest, status: number, body: string): void {
  if (status !== 200) throw new Error(`POST /v1/messages/dedupe answered ${status}: ${body.slice(0, 300)}`);
  const answer = JSON.parse(body) as DedupeAnswer;
  if (answer.portfolio !== PORTFOLIO) throw new Error(`dedupe answered portfolio ${answer.portfolio}, not ${PORTFOLIO}`);
  const reports = answer.destinations;
  if (reports?.length !== request.destinations.length)
    throw new Error(`dedupe answered ${reports?.length} entries for ${request.destinations.length} destinations`);
  const counts = { send: 0, duplicate: 0, rejected: 0 };
  const sendAs = new Set<string>();
  reports.forEach((entry, index) => {
    if (entry.input !== request.destinations[index])
      throw new Error(`entry ${index} is for ${String(entry.input)}, not ${request.destinations[index]}`);
    if (KEPT.has(entry.action)) {
      counts.send++;
      sendAs.add(entry.sendAs as string);
    } else if (entry.action === 'duplicate') counts.duplicate++;
    else if (entry.action === 'rejected' && entry.code === 'INVALID_DESTINATION') counts.rejected++;
    else throw new Error(`entry ${index} (${String(entry.input)}) answered ${JSON.stringify(entry)}`);
    // A twin is sent as a canonical identifier of its person: never the raw "0046…" or spaced form.
    if (entry.action !== 'rejected' && (entry.sendAs === undefined || canonicalise(entry.sendAs) !== entry.sendAs)) {
      throw new Error(`entry ${index} (${String(entry.input)}) is sent as ${entry.sendAs}`);
    }
  });
  const { expected } = request;
  if (counts.send !== expected.send || counts.duplicate !== expected.duplicate || counts.rejected !== expected.rejected) {
    throw new Error(`dedupe answered ${JSON.stringify(counts)}, expected ${JSON.stringify(expected)}`);
  }
  const sent = answer.request?.destinations ?? [];
  if (sent.length !== expected.send || sendAs.size !== expected.send || sent.some((value) => !sendAs.has(value))) {
    throw new Error(`the planned request has ${sent.length} destinations (${sendAs.size} distinct kept), expected ${expected.send}`);
  }
}

// ---------------------------------------------------------------------------------------------
// 3. The LINK proxy

/**
 * The same bodies through the proxy and straight to the fake LINK, warmed up first. Only loaded
 * contacts are sent to: the proxy records an outbound exchange for each, and an unknown number
 * would add a contact to the resolve benchmark's portfolio.
 */
async function measureProxy(link: FakeLink): Promise<Record<Side, Latency>> {
  const lookups = randomLookups(CONTACTS, 100_000, seededRandom(13));
  let cursor = 0;
  const body = () => JSON.stringify(messageRequest([lookups[cursor++ % lookups.length].value]));
  const sides = { baseline: () => postLink(body(), link.port), service: () => postProxy(body()) };
  for (const operation of Object.values(sides)) await closedLoop(8, 2_000, operation);
  const latency: Record<string, number[]> = {};
  const before = link.received;
  for (const [side, operation] of Object.entries(sides)) {
    const result = await openLoop(PROXY_RATE, OPEN_LOOP_MS, operation);
    latency[side] = result.latencies;
    logOpenLoop(`proxy 1 ${side}, ${PROXY_RATE}/s`, result);
  }
  const expected = 2 * Math.round(OPEN_LOOP_MS / (1000 / PROXY_RATE));
  if (link.received - before !== expected) throw new Error(`the fake LINK received ${link.received - before} requests, not ${expected}`);
  return { baseline: latencyOf(latency.baseline), service: latencyOf(latency.service) };
}

async function postLink(body: string, port: number): Promise<void> {
  const answer = await http('POST', '/messages', LINK_AUTH, body, port);
  if (answer.status !== 200) throw new Error(`the fake LINK answered ${answer.status}: ${answer.body.slice(0, 300)}`);
}

async function postProxy(body: string): Promise<void> {
  const answer = await http('POST', '/link/messages', AUTH, body);
  if (answer.status !== 200) throw new Error(`POST /link/messages answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  const result = JSON.parse(answer.body) as { resultCode?: unknown; messageIds?: unknown[] };
  const [id] = result.messageIds ?? [];
  if (result.resultCode !== 112001 || result.messageIds?.length !== 1 || typeof id !== 'string' || !id.startsWith('bench-')) {
    throw new Error(`POST /link/messages answered ${answer.body.slice(0, 300)}`);
  }
}

// ---------------------------------------------------------------------------------------------

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}

function report(single: Record<Side, Single>, big: Record<Side, number>, proxy: Record<Side, Latency>): void {
  // Rows without an aim leave those cells out, so that console.table shows them empty.
  const row = (service: number, baseline: number, aim?: string, met?: boolean) => ({
    service: round2(service),
    baseline: round2(baseline),
    ratio: round2(service / baseline),
    ...(aim === undefined ? {} : { aim, met: met ? 'yes' : 'NO' }),
  });
  console.log(
    `\nDedupe on PostgreSQL, portfolio of ${CONTACTS} contacts; ratio = service / baseline (measured in the same run).` +
      `\nDedupe 1: POST /v1/messages/dedupe of 1 destination, open loop at ${RATE}/s for ${OPEN_LOOP_MS / 1000} s; throughput ${CONCURRENCY} in flight for ${CLOSED_LOOP_MS / 1000} s; baseline the same point query through pg.` +
      `\nDedupe ${BIG_SIZE}: 70 % known, 10 % twins, 19.5 % unknown (0.5 % twins), 1 % invalid; median of ${BIG_ROUNDS}; baseline E.164 normalisation + Set in memory, then one unnest-join query.` +
      `\nProxy: POST /link/messages of 1 destination vs the same body straight to the fake LINK, open loop at ${PROXY_RATE}/s for ${OPEN_LOOP_MS / 1000} s.`,
  );
  console.table({
    [`dedupe 1, p50 at ${RATE}/s (ms)`]: row(single.service.p50, single.baseline.p50),
    [`dedupe 1, p99 at ${RATE}/s (ms)`]: row(single.service.p99, single.baseline.p99),
    [`dedupe 1, ${CONCURRENCY} in flight (/s)`]: row(single.service.perSecond, single.baseline.perSecond),
    [`dedupe ${BIG_SIZE}, median (ms)`]: row(
      big.service,
      big.baseline,
      '≤ 3× baseline, < 2000 ms',
      big.service <= 3 * big.baseline && big.service < 2000,
    ),
    [`proxy 1, p50 at ${PROXY_RATE}/s (ms)`]: row(proxy.service.p50, proxy.baseline.p50),
    [`proxy 1, p99 at ${PROXY_RATE}/s (ms)`]: row(
      proxy.service.p99,
      proxy.baseline.p99,
      '< baseline + 5 ms',
      proxy.service.p99 < proxy.baseline.p99 + 5,
    ),
  });
}

run(main);
