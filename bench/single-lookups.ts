/**
 * What the resolve and dedupe benches share: the load settings, and the measurement of one
 * request per look-up (latency at an offered rate, then throughput) beside the same point query
 * through `pg`, on the contacts of `resolve-data.ts`.
 */
import { Pool } from 'pg';
import { Lookup, randomLookups, seededRandom } from './resolve-data';
import { closedLoop, openLoop, OpenLoopResult, percentile } from './support';

export const PORTFOLIO = process.env.BENCH_PORTFOLIO ?? 'bench-resolve';
export const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
export const RATE = Number(process.env.BENCH_RATE ?? 200);
export const OPEN_LOOP_MS = Number(process.env.BENCH_OPEN_LOOP_MS ?? 10_000);
export const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
export const CLOSED_LOOP_MS = Number(process.env.BENCH_CLOSED_LOOP_MS ?? 5_000);

export type Side = 'service' | 'baseline';

export interface Latency {
  p50: number;
  p99: number;
}

export interface Single extends Latency {
  perSecond: number;
}

const BY_KIND = {
  msisdn: 'SELECT * FROM contact WHERE portfolio = $1 AND msisdn = $2',
  bsuid: 'SELECT * FROM contact WHERE portfolio = $1 AND bsuid = $2',
} as const;

/**
 * Random identifiers of loaded contacts, warmed up first; offered load before saturation. Each
 * operation takes the next identifier of one shared sequence, so that neither side finds rows in
 * PostgreSQL's buffers just because the other side read them a moment before.
 */
export async function measureSingles(
  label: string,
  pool: Pool,
  service: (lookup: Lookup) => Promise<void>,
  seed: number,
): Promise<Record<Side, Single>> {
  const lookups = randomLookups(CONTACTS, 200_000, seededRandom(seed));
  let cursor = 0;
  const lookup = () => lookups[cursor++ % lookups.length];
  const sides = { baseline: () => queryOne(pool, lookup()), service: () => service(lookup()) };
  for (const operation of Object.values(sides)) await closedLoop(CONCURRENCY, 2_000, operation);
  const latency: Record<string, number[]> = {};
  for (const [side, operation] of Object.entries(sides)) {
    const result = await openLoop(RATE, OPEN_LOOP_MS, operation);
    latency[side] = result.latencies;
    logOpenLoop(`${label} ${side}, ${RATE}/s`, result);
  }
  const perSecond: Record<string, number> = {};
  for (const [side, operation] of Object.entries(sides)) {
    perSecond[side] = await closedLoop(CONCURRENCY, CLOSED_LOOP_MS, operation);
    console.log(`${label} ${side}, ${CONCURRENCY} in flight: ${Math.round(perSecond[side])}/s`);
  }
  const summary = (side: string): Single => ({ ...latencyOf(latency[side]), perSecond: perSecond[side] });
  return { baseline: summary('baseline'), service: summary('service') };
}

async function queryOne(pool: Pool, lookup: Lookup): Promise<void> {
  const result = await pool.query(BY_KIND[lookup.kind], [PORTFOLIO, lookup.value]);
  if (result.rowCount !== 1) throw new Error(`the baseline found ${result.rowCount} contacts for ${lookup.value}`);
}

export function latencyOf(latencies: number[]): Latency {
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

export function logOpenLoop(what: string, result: OpenLoopResult): void {
  const lag = `send lag p99 ${ms(percentile(result.sendLags, 0.99))} ms, max ${ms(Math.max(...result.sendLags))} ms`;
  console.log(`${what}: p50 ${ms(percentile(result.latencies, 0.5))} ms, p99 ${ms(percentile(result.latencies, 0.99))} ms (${lag})`);
}

/**
 * Milliseconds until the answer has fully arrived. The operation hands back its check, which runs
 * after the clock stops: parsing and checking the answer is this process's work, not the service's.
 */
export async function timed(operation: () => Promise<() => void>): Promise<number> {
  const started = performance.now();
  const check = await operation();
  const elapsed = performance.now() - started;
  check();
  return elapsed;
}

export function ms(value: number): string {
  return value.toFixed(2);
}
