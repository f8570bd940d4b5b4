import { FixedWindowStorage } from './fixed-window.storage';

describe(FixedWindowStorage.name, () => {
  let now = 1_000_000;
  const storage = () => new FixedWindowStorage(() => now);

  beforeEach(() => (now = 1_000_000));

  it('counts hits per key within one window and blocks past the limit until it ends', async () => {
    const windows = storage();
    const hits = [];
    for (let i = 0; i < 3; i++) hits.push(await windows.increment('api:crm', 10_000, 2));
    expect(hits.map((hit) => [hit.totalHits, hit.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    now += 2_500;
    expect(await windows.increment('api:crm', 10_000, 2)).toEqual({ totalHits: 4, timeToExpire: 8, isBlocked: true, timeToBlockExpire: 8 });
    expect((await windows.increment('api:admin', 10_000, 2)).isBlocked).toBe(false);
  });

  it('starts a new window when the last one has ended', async () => {
    const windows = storage();
    for (let i = 0; i < 5; i++) await windows.increment('api:crm', 10_000, 2);
    now += 10_000;
    expect(await windows.increment('api:crm', 10_000, 2)).toEqual({
      totalHits: 1,
      timeToExpire: 10,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
  });

  it('never answers a wait of 0 seconds while blocked', async () => {
    const windows = storage();
    await windows.increment('k', 10_000, 0);
    now += 9_999;
    const hit = await windows.increment('k', 10_000, 0);
    expect([hit.isBlocked, hit.timeToBlockExpire]).toEqual([true, 1]);
  });
});
