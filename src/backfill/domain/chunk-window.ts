import type { Observation } from '../../graph/domain/observation';
import { IDENTIFIER_KINDS } from '../../identifiers/domain/identifier';

/**
 * Two chunks of the sequence may be applied at once when they name no identifier in common:
 * while one waits on the database, the other's rules run. Chunks that share one go one after the
 * other, as the sequence orders them.
 */
export const CHUNKS_IN_FLIGHT = 2;

/** The identifiers a chunk's webhooks name, each once, within its portfolio. */
export function namedIdentifiers(items: readonly { observations: readonly Observation[] }[]): Set<string> {
  const named = new Set<string>();
  for (const { observations } of items) {
    for (const obs of observations) {
      for (const field of IDENTIFIER_KINDS) {
        const value = obs[field];
        if (value !== undefined) named.add(`${obs.portfolio}\u0000${field}\u0000${value}`);
      }
    }
  }
  return named;
}

/** Whether two chunks name an identifier in common. */
export function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const identifier of small) if (large.has(identifier)) return true;
  return false;
}

/**
 * Chunks in flight together may commit in either order, but a checkpoint can only claim a prefix
 * of the sequence: a chunk's result is handed on once every chunk before it has committed.
 */
export class CommittedPrefix<T> {
  private readonly finished = new Map<number, { length: number; value: T }>();

  constructor(private end: number) {}

  /** Where the committed prefix ends: the sequence before it is in the database. */
  get committed(): number {
    return this.end;
  }

  /** A chunk `[from, from + length)` committed with `value`; answers the values the prefix grew by, in sequence order. */
  finish(from: number, length: number, value: T): T[] {
    this.finished.set(from, { length, value });
    const grown: T[] = [];
    for (let next = this.finished.get(this.end); next; next = this.finished.get(this.end)) {
      this.finished.delete(this.end);
      this.end += next.length;
      grown.push(next.value);
    }
    return grown;
  }
}
