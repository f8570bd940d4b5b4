import { identifierAt, Observation, withPrevious } from '../../graph/domain/observation';
import { IDENTIFIER_KINDS } from '../../identifiers/domain/identifier';

/**
 * Chunks applied at once: while one waits on the database, another's rules run, and the database
 * works on two transactions. Chunks in flight together name no identifier in common.
 */
export const CHUNKS_IN_FLIGHT = 2;

/**
 * How many webhooks, in chunks, the planner may hold back while it looks further on for ones it
 * can take. It bounds the work a stop waits for: every webhook held back is applied before the
 * run stops, so that the checkpoint's prefix is whole.
 */
const HELD_BACK_CHUNKS = 4;

/**
 * The identifiers an archived webhook names, each once, within its portfolio: a BSUID change's
 * previous ones too, as the graph locks and replays by them.
 */
export function namedIdentifiers(observations: readonly Observation[]): string[] {
  const named = new Set<string>();
  for (const obs of observations.flatMap(withPrevious)) {
    for (const field of IDENTIFIER_KINDS) {
      const value = obs[field];
      if (value !== undefined) named.add(identifierAt(obs.portfolio, field, value));
    }
  }
  return [...named];
}

/** A chunk handed out: positions in the sequence, ascending, and the identifiers they name. */
export interface PlannedChunk {
  positions: number[];
  named: Set<string>;
}

/**
 * Hands out chunks of an event-ordered sequence so that chunks in flight together name no
 * identifier in common. Consecutive chunks usually do (a known person writes again), so a chunk
 * does not wait for the one before it: it skips the webhooks that name an identifier in flight,
 * and holds them back. A held-back webhook also holds back every later one naming one of its
 * identifiers, so that webhooks about one person are applied in event-time order.
 */
export class ChunkPlanner {
  /** The first position never looked at. */
  private next: number;
  /** Webhooks skipped, in sequence order, with what they name. */
  private heldBack: { position: number; named: string[] }[] = [];
  /** Identifiers named by the chunks in flight (no two of which name one). */
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly length: number,
    start: number,
    private readonly size: number,
    private readonly namedAt: (position: number) => string[],
  ) {
    this.next = start;
  }

  /** Whether every webhook has been handed out. */
  get done(): boolean {
    return this.next >= this.length && this.heldBack.length === 0;
  }

  /**
   * The next chunk, or undefined when every webhook it could take waits on a chunk in flight (or
   * none is left). With `heldBackOnly` (a run that stops) it takes only webhooks held back, so
   * that what is applied ends as a prefix of the sequence.
   */
  take(heldBackOnly = false): PlannedChunk | undefined {
    const positions: number[] = [];
    const named = new Set<string>();
    const blocked = new Set<string>();
    const stillHeld: { position: number; named: string[] }[] = [];
    const consider = (position: number, identifiers: string[]) => {
      const free = positions.length < this.size && !identifiers.some((id) => this.inFlight.has(id) || blocked.has(id));
      if (free) {
        positions.push(position);
        for (const id of identifiers) named.add(id);
      } else {
        stillHeld.push({ position, named: identifiers });
        for (const id of identifiers) blocked.add(id);
      }
    };
    for (const held of this.heldBack) consider(held.position, held.named);
    const limit = this.size * HELD_BACK_CHUNKS;
    while (!heldBackOnly && positions.length < this.size && this.next < this.length && stillHeld.length < limit) {
      consider(this.next, this.namedAt(this.next));
      this.next++;
    }
    this.heldBack = stillHeld;
    if (positions.length === 0) return undefined;
    for (const id of named) this.inFlight.add(id);
    return { positions, named };
  }

  /** A chunk finished (committed, or failed and the run stops): its identifiers are free again. */
  release(chunk: PlannedChunk): void {
    for (const id of chunk.named) this.inFlight.delete(id);
  }
}

/** What became of an applied webhook, as the checkpoint counts it; `other` is counted elsewhere (invalid). */
export type Settled = 'applied' | 'duplicate' | 'failed' | 'other';

const SETTLED: readonly Settled[] = ['applied', 'duplicate', 'failed', 'other'];

/** The counts of a stretch of the sequence, as the checkpoint keeps them. */
export interface PrefixCounts {
  applied: number;
  duplicate: number;
  failed: number;
}

/**
 * Chunks commit in any order, but a checkpoint can only claim a prefix of the sequence: the
 * prefix grows once every webhook before a position has committed.
 */
export class CommittedPrefix {
  /** Per position: 0 while not committed, else 1 + the index of its `Settled`. */
  private readonly settled: Uint8Array;

  constructor(
    length: number,
    private end: number,
  ) {
    this.settled = new Uint8Array(length);
  }

  /** Where the committed prefix ends: the sequence before it is in the database. */
  get committed(): number {
    return this.end;
  }

  /** A chunk's webhooks committed, with what became of each; answers what the prefix grew by. */
  finish(positions: readonly number[], outcomes: readonly Settled[]): { from: number; to: number; counts: PrefixCounts } {
    positions.forEach((position, index) => (this.settled[position] = 1 + SETTLED.indexOf(outcomes[index])));
    const from = this.end;
    const counts: PrefixCounts = { applied: 0, duplicate: 0, failed: 0 };
    for (; this.end < this.settled.length && this.settled[this.end] !== 0; this.end++) {
      const outcome = SETTLED[this.settled[this.end] - 1];
      if (outcome !== 'other') counts[outcome]++;
    }
    return { from, to: this.end, counts };
  }
}
