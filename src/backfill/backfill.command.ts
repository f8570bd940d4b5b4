import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { BackfillRun, BackfillService } from './backfill.service';
import { Checkpoint, checkpointKey, defaultStateName, InputFile, readCheckpoint } from './domain/checkpoint';
import { BackfillOptions } from './domain/options';
import { EXIT, Tally } from './domain/tally';

export interface BackfillIo {
  /** Where relative file names are read from. */
  cwd: string;
  /** The summary. */
  out: (text: string) => void;
  /** Warnings and where the checkpoint is. */
  err: (text: string) => void;
  /** True once Ctrl-C asked to stop. */
  stopping: () => boolean;
  /** Where the progress goes (stderr). */
  progress: NodeJS.WriteStream;
}

/** One backfill run on a booted context: files checked, checkpoint read, applied, summed up; answers the exit code. */
export async function runBackfill(backfill: BackfillService, options: BackfillOptions, io: BackfillIo): Promise<number> {
  const files = await inputFiles(options.files, io.cwd);
  if (typeof files === 'string') {
    io.err(`backfill: ${files}\n`);
    return EXIT.usage;
  }
  const key = checkpointKey(files);
  const statePath = options.state ? resolve(io.cwd, options.state) : join(dirname(files[0].path), defaultStateName(key));
  const checkpoint = readCheckpoint(await readFile(statePath, 'utf8').catch(() => undefined), key);

  const started = Date.now();
  const tally = new Tally();
  const run: BackfillRun = {
    files,
    chunk: options.chunk,
    checkpoint,
    stopping: io.stopping,
    stopAfter: options.stopAfter,
    progress: io.progress,
    warn: (message) => io.err(`${message}\n`),
    save: (state) => saveCheckpoint(statePath, { version: 1, key, ...state }),
  };
  let interrupted = true;
  try {
    const sequence = await backfill.read(run, tally);
    if (sequence) interrupted = await backfill.apply(sequence, run, tally);
  } finally {
    io.out(`${tally.summary(Date.now() - started, interrupted).join('\n')}\n`);
  }
  if (interrupted) io.err(`Checkpoint in ${statePath}: run the same command again to resume.\n`);
  else await rm(statePath, { force: true });
  return tally.exitCode(interrupted);
}

/** The files as named, each once, with what the checkpoint keys them by. */
async function inputFiles(names: string[], cwd: string): Promise<InputFile[] | string> {
  const files: InputFile[] = [];
  for (const name of names) {
    const path = resolve(cwd, name);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return `${name}: no such file`;
    if (!files.some((file) => file.path === path)) files.push({ path, size: info.size, mtimeMs: info.mtimeMs });
  }
  return files;
}

/** Written aside and renamed over: a crash leaves the old checkpoint or the new one, never half of one. */
async function saveCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  await writeFile(`${path}.tmp`, JSON.stringify(checkpoint));
  await rename(`${path}.tmp`, path);
}
