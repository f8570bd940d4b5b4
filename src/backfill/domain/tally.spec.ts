import { EXIT, LISTED, Tally } from './tally';

describe(Tally.name, () => {
  it.each([
    [{}, false, EXIT.ok],
    [{ invalid: 1 }, false, EXIT.invalid],
    [{ invalid: 1, failed: 1 }, false, EXIT.failed],
    [{ invalid: 1 }, true, EXIT.interrupted],
  ])('ends %j (interrupted: %s) with exit code %i', (counts, interrupted, code) => {
    const tally = Object.assign(new Tally(), counts);
    expect(tally.exitCode(interrupted)).toBe(code);
  });

  it('lists rejected bodies by file and line, up to a cap, and counts the rest', () => {
    const tally = new Tally();
    tally.applied = 3;
    for (let line = LISTED + 5; line > 0; line--) tally.reject('invalid', { file: 'a.ndjson', line }, 'not JSON');
    const summary = tally.summary(2_000, false);
    expect(summary.slice(0, 5)).toEqual([
      `Backfill done: ${LISTED + 8} webhooks in 2.0 s (29/s)`,
      '  applied    3',
      '  duplicate  0',
      '  ignored    0  (name nobody)',
      `  invalid    ${LISTED + 5}`,
    ]);
    expect(summary[5]).toBe('  a.ndjson:6: not JSON');
    expect(summary.at(-1)).toBe('  … and 5 more');
  });
});
