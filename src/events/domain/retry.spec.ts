import { givesUp, retryDelay } from './retry';

const POLICY = { baseMs: 1_000, maxMs: 60_000, giveUpAfterMs: 24 * 3_600_000 };

describe(retryDelay.name, () => {
  it.each([
    [1, 0, 500],
    [1, 0.999999, 1_000],
    [2, 0, 1_000],
    [4, 0.5, 6_000],
    [10, 0, 30_000],
    [40, 0.999999, 60_000],
  ])('after attempt %i with random %d waits %i ms', (attempts, random, expected) => {
    expect(retryDelay(POLICY, attempts, random)).toBe(expected);
  });
});

describe(givesUp.name, () => {
  it('gives up once the retry period has passed since the event was queued', () => {
    const queued = new Date('2026-06-01T00:00:00Z');
    expect(givesUp(POLICY, queued, new Date('2026-06-01T23:59:59Z'))).toBe(false);
    expect(givesUp(POLICY, queued, new Date('2026-06-02T00:00:00Z'))).toBe(true);
  });
});
