/** How long a failed delivery waits before its next attempt, and when it gives up. */
export interface RetryPolicy {
  /** The first wait; each attempt doubles it. */
  baseMs: number;
  /** No wait is longer. */
  maxMs: number;
  /** A delivery still failing this long after its event was queued is marked failed. */
  giveUpAfterMs: number;
}

/**
 * The wait after the `attempts`-th failed attempt: exponential, capped, with full jitter over its
 * upper half so that deliveries failing together do not come back together. `random` is in [0, 1).
 */
export function retryDelay(policy: RetryPolicy, attempts: number, random: number): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30));
  return Math.round(exponential / 2 + (exponential / 2) * random);
}

/** Whether a delivery queued at `queuedAt` that failed at `now` is given up. */
export function givesUp(policy: RetryPolicy, queuedAt: Date, now: Date): boolean {
  return now.getTime() - queuedAt.getTime() >= policy.giveUpAfterMs;
}
