import { fillDays, learnedSince } from './learned-by-day';

describe(learnedSince.name, () => {
  it.each([
    ['2026-06-10T15:30:00Z', 1, '2026-06-10T00:00:00.000Z'],
    ['2026-06-10T00:00:00Z', 3, '2026-06-08T00:00:00.000Z'],
    ['2026-03-01T23:59:59Z', 2, '2026-02-28T00:00:00.000Z'],
  ])('counts %s back %i day(s) from UTC midnight', (now, days, since) => {
    expect(learnedSince(new Date(now), days).toISOString()).toBe(since);
  });
});

describe(fillDays.name, () => {
  it('lists every day from the first, those without a row as zeros, and drops rows outside the range', () => {
    const since = new Date('2026-06-08T00:00:00Z');
    const rows = [
      { day: '2026-06-09', msisdn: 2, bsuid: 1, parentBsuid: 0 },
      { day: '2026-06-12', msisdn: 9, bsuid: 9, parentBsuid: 9 },
    ];
    expect(fillDays(since, 3, rows)).toEqual({
      days: 3,
      since: '2026-06-08',
      items: [
        { day: '2026-06-08', msisdn: 0, bsuid: 0, parentBsuid: 0 },
        { day: '2026-06-09', msisdn: 2, bsuid: 1, parentBsuid: 0 },
        { day: '2026-06-10', msisdn: 0, bsuid: 0, parentBsuid: 0 },
      ],
    });
  });
});
