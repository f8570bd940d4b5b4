/**
 * `npm run backfill -- FILE...`: archived LINK webhooks applied through the live rules, straight
 * to the service's database. See README, "Backfill".
 */
import { NestFactory } from '@nestjs/core';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { bootConfig } from '../config/app-config';
import { BackfillModule } from './backfill.module';
import { BackfillRun, BackfillService } from './backfill.service';
import { Checkpoint, checkpointKey, defaultStateName, InputFile, readCheckpoint } from './domain/checkpoint';
import { EXIT, Tally } from './domain/tally';
import { BackfillOptions, parseOptions, USAGE } from './domain/options';

async function main(argv: string[]): Promise<number> {
  const options = parseOptions(argv);
  if (typeof options === 'string') {
    process.stderr.write(`backfill: ${options}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if ('help' in options) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const files = await inputFiles(options);
  if (typeof files === 'string') {
    process.stderr.write(`backfill: ${files}\n`);
    return EXIT.usage;
  }
  const key = checkpointKey(files);
  const statePath = options.state ? resolve(callerDirectory(), options.state) : join(dirname(files[0].path), defaultStateName(key));
  const checkpoint = readCheckpoint(await readFile(statePath, 'utf8').catch(() => undefined), key);

  const config = await bootConfig();
  process.stderr.write(
    config.databaseUrl
      ? `Database: DATABASE_URL (${redacted(config.databaseUrl)})\n`
      : `Database: no DATABASE_URL, so the embedded database in ${resolve(config.dataDir)} (only while the service is not running on it)\n`,
  );
  process.stderr.write(
    'Portfolios: attributed as live webhooks are: an MO by its business number, a DLR by its messageId, then its platform fields\n',
  );
  const app = await NestFactory.createApplicationContext(BackfillModule.forRoot(config), {
    logger: ['error', 'warn'],
    abortOnError: false,
  });

  let stopRequested = false;
  process.on('SIGINT', () => {
    if (stopRequested) process.exit(EXIT.interrupted);
    stopRequested = true;
    process.stderr.write('\nStopping after the current chunk (Ctrl-C again to quit at once; the chunk then rolls back)\n');
  });

  const started = Date.now();
  const tally = new Tally();
  const run: BackfillRun = {
    files,
    chunk: options.chunk,
    checkpoint,
    stopping: () => stopRequested,
    stopAfter: options.stopAfter,
    warn: (message) => process.stderr.write(`${message}\n`),
    save: (state) => saveCheckpoint(statePath, { version: 1, key, ...state }),
  };
  let interrupted = true;
  try {
    const backfill = app.get(BackfillService);
    const sequence = await backfill.read(run, tally);
    if (sequence) interrupted = await backfill.apply(sequence, run, tally);
  } finally {
    process.stdout.write(`${tally.summary(Date.now() - started, interrupted).join('\n')}\n`);
    await app.close();
  }
  if (interrupted) process.stderr.write(`Checkpoint in ${statePath}: run the same command again to resume.\n`);
  else await rm(statePath, { force: true });
  return tally.exitCode(interrupted);
}

/** Files as named, resolved where the command was typed (npm runs scripts from the package folder). */
async function inputFiles(options: BackfillOptions): Promise<InputFile[] | string> {
  const files: InputFile[] = [];
  for (const name of options.files) {
    const path = resolve(callerDirectory(), name);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return `${name}: no such file`;
    if (!files.some((file) => file.path === path)) files.push({ path, size: info.size, mtimeMs: info.mtimeMs });
  }
  return files;
}

function callerDirectory(): string {
  // npm sets INIT_CWD to the directory `npm run` was typed in; the script itself runs in the package folder.
  return process.env.INIT_CWD ?? process.cwd();
}

/** Written aside and renamed over: a crash leaves the old checkpoint or the new one, never half of one. */
async function saveCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  await writeFile(`${path}.tmp`, JSON.stringify(checkpoint));
  await rename(`${path}.tmp`, path);
}

function redacted(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`backfill stopped: ${error instanceof Error ? error.message : String(error)}\n`);
    process.stderr.write('Whatever was committed stays; run the same command again to resume from the checkpoint.\n');
    process.exit(EXIT.failed);
  },
);
