/** Rows deleted per statement: each one commits on its own, so no lock is held for long. */
export const PRUNE_BATCH = 1_000;
const FIRST_RUN_MS = 60_000;
const INTERVAL_MS = 60 * 60_000;

/**
 * The schedule of a retention prune: a minute after start and hourly after that, never two passes
 * at once (a pass asked for while one runs joins it), and stopped before the database closes. Every
 * replica runs its own: a prune's batches skip rows another replica is deleting.
 */
export class HourlyPrune<T> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<T> | undefined;
  private stopped = false;

  /** `pass` deletes in batches of PRUNE_BATCH and checks `stopping` between them. */
  constructor(
    private readonly pass: () => Promise<T>,
    private readonly failed: (error: Error) => void,
  ) {}

  /** True once shutdown began: a pass stops at its next batch. */
  get stopping(): boolean {
    return this.stopped;
  }

  start(): void {
    this.schedule(FIRST_RUN_MS);
  }

  /** Stops the timer and lets a batch in progress finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass now, or the one already running. */
  run(): Promise<T> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.run()
        .catch((error: Error) => this.failed(error))
        .finally(() => this.schedule(INTERVAL_MS));
    }, delayMs);
    // The prune never keeps the process alive by itself.
    this.timer.unref();
  }
}
