import { PendingWork } from './pending-work';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** Whether `promise` has settled once pending callbacks have run. */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe(PendingWork.name, () => {
  it('counts work until it has finished', async () => {
    const pending = new PendingWork();
    const first = deferred();
    const second = deferred();
    const tracked = pending.track(first.promise);
    void pending.track(second.promise);
    expect(pending.size).toBe(2);

    first.resolve();
    await tracked;
    expect(pending.size).toBe(1);
    second.resolve();
    await pending.whenIdle();
    expect(pending.size).toBe(0);
  });

  it('settles for the work running when asked, not for work started after', async () => {
    const pending = new PendingWork();
    const before = deferred();
    const after = deferred();
    void pending.track(before.promise);
    const settled = pending.settled();
    void pending.track(after.promise);

    expect(await isSettled(settled)).toBe(false);
    before.resolve();
    expect(await isSettled(settled)).toBe(true);
    expect(pending.size).toBe(1);
    after.resolve();
  });

  it('is idle only once work started while waiting has finished too', async () => {
    const pending = new PendingWork();
    const first = deferred();
    const second = deferred();
    void pending.track(first.promise.then(() => void pending.track(second.promise)));
    const idle = pending.whenIdle();

    first.resolve();
    expect(await isSettled(idle)).toBe(false);
    second.resolve();
    expect(await isSettled(idle)).toBe(true);
  });

  it('ends work that failed without passing its rejection on', async () => {
    const pending = new PendingWork();
    await expect(pending.track(Promise.reject(new Error('handled by the work')))).resolves.toBeUndefined();
    expect(pending.size).toBe(0);
  });

  it('settles at once when nothing runs', async () => {
    const pending = new PendingWork();
    expect(await isSettled(pending.settled())).toBe(true);
    expect(await isSettled(pending.whenIdle())).toBe(true);
  });
});
