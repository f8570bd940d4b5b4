/**
 * The LINK proxy's overhead: `POST /link/messages` with one destination through the service,
 * against the same body posted straight to a fake LINK in this process, interleaved in one open
 * loop (a direct call half-way between two sends through the service), so that both sides see the
 * same machine at the same moments. Reports p50/p99/p99.9 of each, their difference, the load
 * generator's own send lag, the load average, and what the service spent meanwhile (CPU, GC pauses,
 * event-loop delay, from its own /metrics).
 *
 * The service runs as its own process, as in production: JSON logs at `info` (BENCH_LOG_FILE to
 * keep them, else written to /dev/null), metrics and security headers on.
 *
 *   npm run bench:proxy
 *   BENCH_PROXY_RATE=100 BENCH_PROXY_MS=30000 BENCH_PROXY_CONTACTS=100000 npm run bench:proxy
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { LINK_AUTH, startFakeLink } from './fake-link';
import { ensureBusinessNumber, ensureContacts, ensurePortfolio, randomLookups, seededRandom } from './resolve-data';
import { ensureDatabase, http, openLoop, OpenLoopResult, percentile, round2, run, sql, startService, stopService } from './support';

const PORTFOLIO = process.env.BENCH_PROXY_PORTFOLIO ?? 'bench-proxy';
const CONTACTS = Number(process.env.BENCH_PROXY_CONTACTS ?? 100_000);
const BUSINESS_NUMBER = process.env.BENCH_PROXY_BUSINESS_NUMBER ?? '+46101010102';
/** Sends through the service per second; as many direct calls again, between them. */
const RATE = Number(process.env.BENCH_PROXY_RATE ?? 100);
const DURATION_MS = Number(process.env.BENCH_PROXY_MS ?? 30_000);
const WARM_UP_MS = Number(process.env.BENCH_PROXY_WARM_UP_MS ?? 10_000);
/** The proxy's aim: at most this much over the direct call, at p99. */
const AIM_MS = 5;

const SECRET = 'bench-proxy-secret-0123456789';
const AUTH = `Bearer ${SECRET}`;
const METRICS_SECRET = 'bench-proxy-metrics-0123456789';
const METRICS_AUTH = `Bearer ${METRICS_SECRET}`;
const API_KEYS = [
  { name: 'sender', secret: SECRET, roles: ['send'], portfolios: [PORTFOLIO] },
  { name: 'monitor', secret: METRICS_SECRET, roles: ['metrics'], portfolios: [PORTFOLIO] },
];
const TEMPLATE = 'bench_welcome';

type Side = 'service' | 'direct';

interface Latency {
  p50: number;
  p99: number;
  p999: number;
  max: number;
  count: number;
}

/** What the service's /metrics says of itself between two scrapes. */
interface ServiceUse {
  cpuMs: number;
  systemCpuMs: number;
  gcPauses: number;
  gcMs: number;
  /** The largest single pause, as the histogram's bucket bound it fell under. */
  gcLongestUnder: string;
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
}

/** A LINK MessageRequest from the bench portfolio's business number: one template message to one destination. */
function messageRequest(destination: string): string {
  return JSON.stringify({
    platformId: 'bench-platform',
    platformPartnerId: 'bench-partner',
    refId: `bench-${randomUUID()}`,
    source: BUSINESS_NUMBER,
    priority: 'NORMAL',
    destinations: [destination],
    messages: [{ type: 'template', template: { name: TEMPLATE, language: { code: 'en' } } }],
  });
}

async function main(): Promise<void> {
  await ensureDatabase();
  const link = await startFakeLink();
  let service = await startService(API_KEYS, link.env);
  try {
    // The service caches portfolios and their numbers for 10 s: restart it when either was added.
    const portfolioAdded = await ensurePortfolio(PORTFOLIO);
    const numberAdded = await ensureBusinessNumber(PORTFOLIO, BUSINESS_NUMBER);
    if (portfolioAdded || numberAdded) {
      await stopService(service);
      service = await startService(API_KEYS, link.env);
    }
    await ensureContacts(PORTFOLIO, CONTACTS);
    // The registry knows the template sent, as in production: an unknown one would be kept off BSUIDs.
    await sql(
      `INSERT INTO template (portfolio, name, language, category, source) VALUES ($1, $2, 'en', 'UTILITY', 'admin') ON CONFLICT DO NOTHING`,
      [PORTFOLIO, TEMPLATE],
    );
    // Only loaded contacts are sent to: an unknown number would add nobody, but would not be the common case either.
    const lookups = randomLookups(CONTACTS, 1_000_000, seededRandom(17));
    let cursor = 0;
    const body = () => messageRequest(lookups[cursor++ % lookups.length].value);
    const operation = (index: number) => (index % 2 === 0 ? postProxy(body()) : postLink(body(), link.port));

    await openLoop(2 * RATE, WARM_UP_MS, operation);
    await settle();
    const loadBefore = loadavg();
    const usedBefore = await scrape();
    const receivedBefore = link.received;
    const started = performance.now();
    const result = await openLoop(2 * RATE, DURATION_MS, operation);
    const elapsedMs = performance.now() - started;
    const use = since(usedBefore, await scrape());
    const loadAfter = loadavg();
    // Every send through the service reached LINK once, and every direct call too.
    const sent = result.latencies.length;
    if (link.received - receivedBefore !== sent) throw new Error(`the fake LINK received ${link.received - receivedBefore}, not ${sent}`);
    report(split(result), result, use, elapsedMs, loadBefore, loadAfter);
  } finally {
    await stopService(service);
    await link.close();
  }
}

/** The outbound records of the warm-up are written after their answers: let them finish. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 2_000));
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

async function postLink(body: string, port: number): Promise<void> {
  const answer = await http('POST', '/messages', LINK_AUTH, body, port);
  if (answer.status !== 200) throw new Error(`the fake LINK answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  const result = JSON.parse(answer.body) as { resultCode?: unknown };
  if (result.resultCode !== 112001) throw new Error(`the fake LINK answered ${answer.body.slice(0, 300)}`);
}

/** Even operations went through the service, odd ones straight to LINK. */
function split(result: OpenLoopResult): Record<Side, Latency> {
  const sides: Record<Side, number[]> = { service: [], direct: [] };
  result.latencies.forEach((latency, index) => sides[index % 2 === 0 ? 'service' : 'direct'].push(latency));
  return { service: latencyOf(sides.service), direct: latencyOf(sides.direct) };
}

function latencyOf(latencies: number[]): Latency {
  return {
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    p999: percentile(latencies, 0.999),
    max: Math.max(...latencies),
    count: latencies.length,
  };
}

// ---------------------------------------------------------------------------------------------
// The service's own figures, from its Prometheus metrics

type Samples = Map<string, number>;

async function scrape(): Promise<Samples> {
  const answer = await http('GET', '/metrics', METRICS_AUTH);
  if (answer.status !== 200) throw new Error(`GET /metrics answered ${answer.status}`);
  const samples: Samples = new Map();
  for (const line of answer.body.split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

/** GC pauses of every kind in a histogram's buckets and sums, and the event-loop delay (reset at each scrape). */
function since(before: Samples, after: Samples): ServiceUse {
  const delta = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
  const sumOf = (prefix: string) =>
    [...after.keys()].filter((name) => name.startsWith(prefix)).reduce((total, name) => total + delta(name), 0);
  // The smallest bucket holding every pause of the run, over all kinds.
  const buckets = new Map<string, number>();
  for (const name of after.keys()) {
    const match = /^nodejs_gc_duration_seconds_bucket\{le="([^"]+)",kind="[^"]+"\}$/.exec(name);
    if (match) buckets.set(match[1], (buckets.get(match[1]) ?? 0) + delta(name));
  }
  const pauses = sumOf('nodejs_gc_duration_seconds_count');
  const longest = [...buckets].filter(([, count]) => count === pauses).sort(([a], [b]) => Number(a) - Number(b))[0]?.[0] ?? '?';
  return {
    cpuMs: delta('process_cpu_seconds_total') * 1000,
    systemCpuMs: delta('process_cpu_system_seconds_total') * 1000,
    gcPauses: pauses,
    gcMs: sumOf('nodejs_gc_duration_seconds_sum') * 1000,
    gcLongestUnder: longest === '+Inf' ? '> 5 s' : `≤ ${Number(longest) * 1000} ms`,
    eventLoopP99Ms: (after.get('nodejs_eventloop_lag_p99_seconds') ?? NaN) * 1000,
    eventLoopMaxMs: (after.get('nodejs_eventloop_lag_max_seconds') ?? NaN) * 1000,
  };
}

// ---------------------------------------------------------------------------------------------

function report(
  latency: Record<Side, Latency>,
  result: OpenLoopResult,
  use: ServiceUse,
  elapsedMs: number,
  loadBefore: number[],
  loadAfter: number[],
): void {
  const { service, direct } = latency;
  const lag = result.sendLags;
  const requests = service.count;
  const row = (what: keyof Latency) => ({
    service: round2(service[what]),
    direct: round2(direct[what]),
    overhead: round2(service[what] - direct[what]),
  });
  console.log(
    `\nProxy: POST /link/messages of 1 destination (portfolio of ${CONTACTS} contacts) vs the same body straight to the fake LINK,` +
      ` interleaved in one open loop: ${RATE}/s each for ${(elapsedMs / 1000).toFixed(1)} s, ${requests} requests each` +
      ` (after ${WARM_UP_MS / 1000} s of warm-up). Latencies in ms.`,
  );
  console.table({ p50: row('p50'), p99: row('p99'), 'p99.9': row('p999'), max: row('max') });
  const overhead = service.p99 - direct.p99;
  console.log(`p99 overhead ${overhead.toFixed(2)} ms (aim ≤ ${AIM_MS} ms): ${overhead <= AIM_MS ? 'met' : 'NOT met'}`);
  console.log(
    `load generator's send lag: p99 ${percentile(lag, 0.99).toFixed(2)} ms, max ${Math.max(...lag).toFixed(2)} ms;` +
      ` load average (1, 5, 15 min) before ${loadBefore.map((n) => n.toFixed(2)).join(', ')}, after ${loadAfter.map((n) => n.toFixed(2)).join(', ')}`,
  );
  console.log(
    `service meanwhile: CPU ${(use.cpuMs / requests).toFixed(2)} ms per send, ${(use.systemCpuMs / requests).toFixed(2)} of it in the kernel` +
      ` (${((use.cpuMs / elapsedMs) * 100).toFixed(0)} % of a core);` +
      ` GC ${use.gcPauses} pauses, ${use.gcMs.toFixed(0)} ms in all, the longest ${use.gcLongestUnder};` +
      ` event-loop delay p99 ${use.eventLoopP99Ms.toFixed(1)} ms, max ${use.eventLoopMaxMs.toFixed(1)} ms`,
  );
}

run(main);
