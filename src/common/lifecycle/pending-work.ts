/**
 * Work a request started but its answer does not wait for (a write after the answer). Kept here
 * so that a reader can first wait for what this process has already started writing, and
 * shutdown for all of it. The work handles its own failures: a rejection here only ends it.
 */
export class PendingWork {
  private readonly running = new Set<Promise<void>>();

  /** How many are running now. */
  get size(): number {
    return this.running.size;
  }

  /** Counts `work` until it has finished; the promise returned resolves then, and never rejects. */
  track(work: Promise<unknown>): Promise<void> {
    const tracked: Promise<void> = work.then(ended, ended).finally(() => this.running.delete(tracked));
    this.running.add(tracked);
    return tracked;
  }

  /**
   * Resolves once the work running now has finished. Work started meanwhile is not waited for: a
   * reader under steady load must not wait for ever.
   */
  async settled(): Promise<void> {
    if (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Resolves once nothing runs, work started meanwhile included (shutdown, after new work stopped). */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}

function ended(): void {}
