/**
 * `npm run backfill -- FILE...`: archived LINK webhooks applied through the live rules, straight
 * to the service's database (README, "Backfill"). No HTTP server, no background jobs.
 */
import { NestFactory } from '@nestjs/core';
import { resolve } from 'node:path';
import { bootConfig } from '../config/app-config';
import { runBackfill } from './backfill.command';
import { BackfillService } from './backfill.service';
import { BackfillModule } from './backfill.module';
import { parseOptions, USAGE } from './domain/options';
import { EXIT } from './domain/tally';

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
  const config = await bootConfig();
  process.stderr.write(
    config.databaseUrl
      ? `Database: DATABASE_URL (${redacted(config.databaseUrl)})\n`
      : `Database: no DATABASE_URL, so the embedded database in ${resolve(config.dataDir)} (it is locked while the service runs on it)\n`,
  );
  process.stderr.write(
    'Portfolios: attributed as posted webhooks are: an MO by its business number, a DLR by the send its messageId names, else its platform fields\n',
  );
  const context = await NestFactory.createApplicationContext(BackfillModule.forRoot(config), {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  let stopRequested = false;
  process.on('SIGINT', () => {
    if (stopRequested) process.exit(EXIT.interrupted);
    stopRequested = true;
    process.stderr.write(
      '\nStopping once the chunks in flight commit and the webhooks they held back are applied (Ctrl-C again quits at once: what is in flight rolls back)\n',
    );
  });
  try {
    return await runBackfill(context.get(BackfillService), options, {
      // npm runs scripts in the package folder and names the folder `npm run` was typed in INIT_CWD.
      cwd: process.env.INIT_CWD ?? process.cwd(),
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
      stopping: () => stopRequested,
      progress: process.stderr,
    });
  } finally {
    await context.close();
  }
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
    process.stderr.write('What was committed stays: run the same command again to resume from the checkpoint.\n');
    process.exit(EXIT.failed);
  },
);
