import { Checkpoint, checkpointKey, defaultStateName, readCheckpoint, SequenceDigest } from './checkpoint';

const A = { path: '/archive/a.ndjson', size: 100, mtimeMs: 1_700_000_000_000.5 };
const B = { path: '/archive/b.ndjson.gz', size: 42, mtimeMs: 1_700_000_001_000 };

describe(checkpointKey.name, () => {
  it('is the same for the same files named in any order', () => {
    expect(checkpointKey([A, B])).toBe(checkpointKey([B, A]));
  });

  it.each([
    ['a file more', [A, B, { ...B, path: '/archive/c.ndjson' }]],
    ['a file less', [A]],
    ['another size', [A, { ...B, size: 43 }]],
    ['another mtime', [A, { ...B, mtimeMs: B.mtimeMs + 1000 }]],
    ['another path', [A, { ...B, path: '/elsewhere/b.ndjson.gz' }]],
  ])('changes with %s', (_, files) => {
    expect(checkpointKey(files)).not.toBe(checkpointKey([A, B]));
  });

  it('names a state file of its own', () => {
    expect(defaultStateName(checkpointKey([A, B]))).toMatch(/^\.backfill-[0-9a-f]{16}\.json$/);
  });
});

describe(readCheckpoint.name, () => {
  const key = checkpointKey([A, B]);
  const saved: Checkpoint = { version: 1, key, committed: 10, digest: 'abc', applied: 8, duplicate: 2, failed: 0 };

  it('reads a checkpoint of the same files', () => {
    expect(readCheckpoint(JSON.stringify(saved), key)).toEqual(saved);
  });

  it.each([
    ['another set of files', JSON.stringify({ ...saved, key: checkpointKey([A]) })],
    ['a damaged file', '{"version": 1, "key"'],
    ['a negative count', JSON.stringify({ ...saved, applied: -1 })],
    ['another version', JSON.stringify({ ...saved, version: 2 })],
    ['no file', undefined],
  ])('ignores %s', (_, text) => {
    expect(readCheckpoint(text, key)).toBeUndefined();
  });
});

describe(SequenceDigest.name, () => {
  it('tells sequences apart and goes on after a value is read', () => {
    const one = new SequenceDigest();
    const two = new SequenceDigest();
    one.add('acme\u0000mo:1');
    const early = one.value();
    one.add('acme\u0000mo:2');
    two.add('acme\u0000mo:2');
    two.add('acme\u0000mo:1');
    expect(one.value()).not.toBe(early);
    expect(one.value()).not.toBe(two.value());
  });
});
