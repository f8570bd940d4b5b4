import type { Observation } from '../../graph/domain/observation';
import { ChunkPlanner, CommittedPrefix, namedIdentifiers, PlannedChunk } from './chunk-window';

const obs = (fields: Partial<Observation>): Observation => ({ portfolio: 'acme', ...fields }) as Observation;

describe(namedIdentifiers.name, () => {
  it('names each identifier once, by portfolio and kind', () => {
    const named = namedIdentifiers([
      obs({ msisdn: '+46700000001', bsuid: 'SE.1' }),
      obs({ bsuid: 'SE.1' }),
      obs({ portfolio: 'globex', bsuid: 'SE.1' }),
      obs({ parentBsuid: 'SE.1' }),
    ]);
    expect(named).toHaveLength(4);
  });

  it("names a BSUID change's previous identifiers too, as the graph locks them", () => {
    const change = { previousBsuid: 'SE.OLD', previousMsisdn: '+46700000009', phoneChanged: true };
    const named = namedIdentifiers([obs({ bsuid: 'SE.NEW', change })]);
    // In whatever order: the planner uses them as a set.
    expect([...named].sort()).toEqual(['acme\u0000bsuid\u0000SE.NEW', 'acme\u0000bsuid\u0000SE.OLD', 'acme\u0000msisdn\u0000+46700000009']);
  });
});

describe(ChunkPlanner.name, () => {
  /** A sequence of webhooks, each naming the people given (one identifier each). */
  const planner = (people: string[][], size: number, start = 0) =>
    new ChunkPlanner(people.length, start, size, (position) => people[position]);

  it('hands out the sequence in order, a chunk at a time, when its webhooks name nobody in common', () => {
    const plan = planner([['a'], ['b'], ['c'], ['d'], ['e']], 2);
    expect(plan.take()?.positions).toEqual([0, 1]);
    expect(plan.take()?.positions).toEqual([2, 3]);
    expect(plan.take()?.positions).toEqual([4]);
    expect(plan.take()).toBeUndefined();
    expect(plan.done).toBe(true);
  });

  it('starts at a checkpoint', () => {
    expect(planner([['a'], ['b'], ['c']], 5, 2).take()?.positions).toEqual([2]);
  });

  it('keeps webhooks about one person in one chunk', () => {
    expect(planner([['a'], ['a'], ['b']], 3).take()?.positions).toEqual([0, 1, 2]);
  });

  it('skips a webhook naming an identifier in flight, and holds back later ones naming it', () => {
    const plan = planner([['a'], ['b'], ['a'], ['c'], ['a', 'd'], ['d'], ['e']], 1);
    const first = plan.take() as PlannedChunk;
    expect(first.positions).toEqual([0]);
    // 2 names a, in flight; 4 names a too, and 5 names d after 4 held it back.
    expect(plan.take()?.positions).toEqual([1]);
    expect(plan.take()?.positions).toEqual([3]);
    expect(plan.take()?.positions).toEqual([6]);
    expect(plan.take()).toBeUndefined();
    expect(plan.done).toBe(false);
    plan.release(first);
    expect(plan.take()?.positions).toEqual([2]);
  });

  it('keeps a chunk to its size, and hands out held-back webhooks in sequence order once their identifiers are free', () => {
    const plan = planner([['a'], ['a', 'b'], ['b'], ['c']], 3);
    expect(plan.take()?.positions).toEqual([0, 1, 2]);
    expect(plan.take()?.positions).toEqual([3]);
    expect(plan.done).toBe(true);
    const other = planner([['a'], ['x'], ['a', 'b'], ['b'], ['c']], 1);
    const a = other.take() as PlannedChunk;
    expect(other.take()?.positions).toEqual([1]);
    expect(other.take()?.positions).toEqual([4]);
    other.release(a);
    expect(other.take()?.positions).toEqual([2]);
    expect(other.take()).toBeUndefined();
  });

  it('frees the identifiers of a chunk once it finishes', () => {
    const plan = planner([['a', 'b'], ['b'], ['a']], 1);
    const first = plan.take() as PlannedChunk;
    expect(plan.take()).toBeUndefined();
    plan.release(first);
    expect(plan.take()?.positions).toEqual([1]);
    expect(plan.take()?.positions).toEqual([2]);
  });

  it('holds back no more than four chunks of webhooks while it looks on', () => {
    const people = [...Array.from({ length: 10 }, () => ['a']), ['b']];
    const plan = planner(people, 2);
    expect(plan.take()?.positions).toEqual([0, 1]);
    // 2–9 name a: the planner stops looking once 8 are held back, before it reaches b.
    expect(plan.take()).toBeUndefined();
  });

  it('takes only held-back webhooks when the run stops, so that what is applied ends as a prefix', () => {
    const plan = planner([['a'], ['a'], ['b'], ['c'], ['d']], 1);
    const first = plan.take() as PlannedChunk;
    expect(plan.take()?.positions).toEqual([2]);
    plan.release(first);
    expect(plan.take(true)?.positions).toEqual([1]);
    expect(plan.take(true)).toBeUndefined();
    expect(plan.done).toBe(false);
  });

  it('keeps each identifier in sequence order and chunks in flight apart, and never stalls, whatever order chunks finish in', () => {
    let state = 7;
    const random = (below: number) => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return Math.floor((state / 2_147_483_648) * below);
    };
    for (let round = 0; round < 300; round++) {
      const people = Array.from({ length: 1 + random(60) }, () => Array.from({ length: 1 + random(3) }, () => `p${random(12)}`));
      const stopAt = random(3) === 0 ? random(10) : Infinity;
      const plan = planner(people, 1 + random(5));
      const inFlight: PlannedChunk[] = [];
      const applied: number[] = [];
      let chunks = 0;
      for (;;) {
        while (inFlight.length < 2) {
          const chunk = plan.take(chunks >= stopAt);
          if (!chunk) break;
          const named = new Set(inFlight.flatMap((other) => [...other.named]));
          expect(chunk.positions.flatMap((position) => people[position]).filter((id) => named.has(id))).toEqual([]);
          applied.push(...chunk.positions);
          inFlight.push(chunk);
          chunks++;
        }
        if (inFlight.length === 0) break;
        plan.release(inFlight.splice(random(inFlight.length), 1)[0]);
      }
      // Each identifier's webhooks were handed out in sequence order, and what was handed out is a prefix.
      for (const id of new Set(people.flat())) {
        const order = applied.filter((position) => people[position].includes(id));
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }
      expect([...applied].sort((a, b) => a - b)).toEqual(applied.map((_, index) => index));
      if (stopAt === Infinity) expect(applied).toHaveLength(people.length);
    }
  });
});

describe(CommittedPrefix.name, () => {
  it('grows only once every webhook before a position has committed, and counts what it grew by', () => {
    const prefix = new CommittedPrefix(10, 2);
    expect(prefix.finish([5, 7], ['applied', 'duplicate'])).toEqual({ from: 2, to: 2, counts: { applied: 0, duplicate: 0, failed: 0 } });
    expect(prefix.committed).toBe(2);
    expect(prefix.finish([2, 3, 4], ['applied', 'failed', 'other'])).toEqual({
      from: 2,
      to: 6,
      counts: { applied: 2, duplicate: 0, failed: 1 },
    });
    expect(prefix.finish([6, 8, 9], ['duplicate', 'applied', 'applied'])).toEqual({
      from: 6,
      to: 10,
      counts: { applied: 2, duplicate: 2, failed: 0 },
    });
    expect(prefix.committed).toBe(10);
  });
});
