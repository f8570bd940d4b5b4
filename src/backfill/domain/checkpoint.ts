import { createHash } from 'node:crypto';

/** An input file as the checkpoint knows it: a changed size or mtime makes it another input. */
export interface InputFile {
  path: string;
  size: number;
  mtimeMs: number;
}

/** How far a backfill of one set of files got: the committed prefix of its sorted sequence. */
export interface Checkpoint {
  version: 1;
  key: string;
  /** Webhooks of the sorted sequence committed, from its start. */
  committed: number;
  /** Digest of the receipts of the committed prefix: a resumed run checks it reads the same sequence. */
  digest: string;
  applied: number;
  duplicate: number;
  failed: number;
}

/**
 * The checkpoint's key: the set of files (absolute paths, sizes, mtimes), in whatever order they
 * were named, so that naming them in another order resumes the same run.
 */
export function checkpointKey(files: readonly InputFile[]): string {
  const entries = files.map((file) => `${file.path}\u0000${file.size}\u0000${Math.trunc(file.mtimeMs)}`).sort();
  const hash = createHash('sha256');
  for (const entry of entries) hash.update(`${entry}\n`);
  return hash.digest('hex');
}

/** The state file's default name, beside the first input: one per set of files. */
export function defaultStateName(key: string): string {
  return `.backfill-${key.slice(0, 16)}.json`;
}

/** A saved checkpoint, when it is one for this key; anything else (another run's, damaged) is not. */
export function readCheckpoint(text: string | undefined, key: string): Checkpoint | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const saved = value as Partial<Checkpoint> | null;
  const counts = [saved?.committed, saved?.applied, saved?.duplicate, saved?.failed];
  if (saved?.version !== 1 || saved.key !== key || typeof saved.digest !== 'string') return undefined;
  if (!counts.every((count) => Number.isSafeInteger(count) && (count as number) >= 0)) return undefined;
  return saved as Checkpoint;
}

/** A running digest of receipt ids, the same for the same sequence. */
export class SequenceDigest {
  private readonly hash = createHash('sha256');

  add(receiptId: string): void {
    this.hash.update(receiptId);
    this.hash.update('\n');
  }

  /** The digest so far; adding goes on after it. */
  value(): string {
    return this.hash.copy().digest('hex');
  }
}
