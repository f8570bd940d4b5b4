/** The backfill's command line. */
export interface BackfillOptions {
  files: string[];
  /** The checkpoint file; by default beside the first input. */
  state?: string;
  /** Webhooks per transaction. */
  chunk: number;
  /** Stops as Ctrl-C does after this many chunks (trial runs, tests of resuming). */
  stopAfter?: number;
}

export const DEFAULT_CHUNK = 2_000;
/** Past this, one transaction holds its row locks long enough to keep live webhooks waiting. */
export const MAX_CHUNK = 20_000;

export const USAGE = `Usage: npm run backfill -- [options] FILE...

Applies archived LINK webhooks (MO and DLR bodies as LINK posts them) through the live rules.
A FILE holds one body a line (NDJSON) or a JSON array of bodies; gzip is read as such.

Options:
  --state FILE      checkpoint file (default: .backfill-<key>.json beside the first FILE)
  --chunk N         webhooks per transaction (default ${DEFAULT_CHUNK}, at most ${MAX_CHUNK})
  --stop-after N    stop after N chunks (and what they held back), as Ctrl-C does (a trial run; run again to resume)
  -h, --help        this text

Database: DATABASE_URL, or the embedded database in DATA_DIR when the service is not running.
Exit codes: 0 all applied, duplicate or ignored; 2 some invalid; 1 some failed or an error; 130 interrupted.`;

/** Reads argv (after the script name); a string is the problem to show with the usage. */
export function parseOptions(argv: readonly string[]): BackfillOptions | { help: true } | string {
  const options: BackfillOptions = { files: [], chunk: DEFAULT_CHUNK };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : undefined);
    if (arg === '-h' || arg === '--help') return { help: true };
    if (arg === '--') {
      options.files.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '--state') {
      const state = value();
      if (!state) return '--state needs a file';
      options.state = state;
    } else if (arg === '--chunk' || arg === '--stop-after') {
      const text = value();
      const number = Number(text);
      if (!text || !Number.isSafeInteger(number) || number < 1) return `${arg} needs a whole number of 1 or more`;
      if (arg === '--chunk' && number > MAX_CHUNK) return `--chunk is at most ${MAX_CHUNK}`;
      if (arg === '--chunk') options.chunk = number;
      else options.stopAfter = number;
    } else if (arg.startsWith('-') && arg !== '-') {
      return `unknown option ${arg}`;
    } else {
      options.files.push(arg);
    }
  }
  if (options.files.length === 0) return 'no FILE given';
  return options;
}
