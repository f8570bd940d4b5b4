// The backfill CLI as production runs it: the build (`dist/src/backfill/backfill.main.js`) in a
// process of its own on the embedded database, stopped by Ctrl-C (SIGINT) in the middle of a run,
// resumed from its checkpoint, run again over the same files, and then read back through the
// service started on the same folder: every archived webhook applied once.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJson, send } from './support/http';
import { ADMIN_AUTH, killService, removeTempDirs, ROOT, Service, startService, tempDir } from './support/service';
import { identity, moBody } from './support/webhooks';

const CLI = join(ROOT, 'dist', 'src', 'backfill', 'backfill.main.js');
const SERIES = 4;
const WEBHOOKS = 4_000;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI on the embedded database in `dataDir`; `interrupt` sends SIGINT once it is applying. */
function runCli(dataDir: string, args: string[], interrupt = false): Promise<CliRun> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(DATABASE_URL|DATA_DIR|NODE_OPTIONS)$/.test(key)) env[key] = value;
  }
  const child = spawn(process.execPath, [CLI, ...args], { cwd: dataDir, env: { ...env, DATA_DIR: dataDir } });
  let stdout = '';
  let stderr = '';
  let interrupted = false;
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    if (interrupt && !interrupted && stderr.includes('applying')) {
      interrupted = true;
      child.kill('SIGINT');
    }
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A count from the summary (`  applied    1,234`). */
function counted(summary: string, what: 'applied' | 'duplicate' | 'invalid'): number {
  const match = new RegExp(`^\\s+${what}\\s+([\\d,]+)`, 'm').exec(summary);
  if (!match) throw new Error(`no ${what} count in:\n${summary}`);
  return Number(match[1].replace(/,/g, ''));
}

describe('the backfill CLI, built, on the embedded database', () => {
  const dataDir = tempDir('backfill');
  const archive = join(dataDir, 'archive.ndjson');
  let service: Service | undefined;

  beforeAll(() => {
    // Newest first: the CLI puts the archive in event-time order itself.
    const lines = Array.from({ length: WEBHOOKS }, (_, index) => {
      const id = identity(SERIES, WEBHOOKS - 1 - index);
      return JSON.stringify({ ...moBody(id), timestamp: new Date(Date.UTC(2026, 5, 1) + (WEBHOOKS - index) * 1000).toISOString() });
    });
    writeFileSync(archive, `${lines.join('\n')}\n{"not": "closed"\n`);
  });

  afterAll(async () => {
    await killService(service);
    removeTempDirs();
  });

  it('stops on Ctrl-C after a committed chunk, resumes from its checkpoint, and counts a second pass as duplicates', async () => {
    const first = await runCli(dataDir, ['--chunk', '50', archive], true);
    expect({ code: first.code, interrupted: first.stdout.includes('Backfill interrupted') }).toEqual({ code: 130, interrupted: true });
    expect(first.stderr).toContain('run the same command again to resume');
    const appliedFirst = counted(first.stdout, 'applied');
    expect(appliedFirst).toBeLessThan(WEBHOOKS);

    const resumed = await runCli(dataDir, ['--chunk', '50', archive]);
    expect(resumed.stderr).toContain('Resuming after');
    // The one unclosed body is invalid, named by its line: exit code 2.
    expect({ code: resumed.code, applied: counted(resumed.stdout, 'applied'), invalid: counted(resumed.stdout, 'invalid') }).toEqual({
      code: 2,
      applied: WEBHOOKS,
      invalid: 1,
    });
    expect(resumed.stdout).toContain(`archive.ndjson:${WEBHOOKS + 1}:`);

    const again = await runCli(dataDir, [archive]);
    expect({ applied: counted(again.stdout, 'applied'), duplicate: counted(again.stdout, 'duplicate') }).toEqual({
      applied: 0,
      duplicate: WEBHOOKS,
    });
  });

  it('leaves every archived person resolvable through the service started on the same folder', async () => {
    service = await startService({ DATABASE_URL: undefined, DATA_DIR: dataDir });
    const ids = Array.from({ length: WEBHOOKS }, (_, index) => identity(SERIES, index));
    const wrong: string[] = [];
    for (let start = 0; start < ids.length; start += 1_000) {
      const slice = ids.slice(start, start + 1_000);
      const res = await send(service.port, 'POST', '/v1/portfolios/default/contacts/resolve', ADMIN_AUTH, {
        identifiers: slice.map((id) => id.phone),
      });
      expect(res.status).toBe(200);
      const results = parseJson(res.body).results as { status: string; contact?: { bsuid: string } }[];
      slice.forEach((id, index) => {
        if (results[index]?.status !== 'found' || results[index].contact?.bsuid !== id.bsuid) wrong.push(id.messageId);
      });
    }
    expect(wrong).toEqual([]);
  });
});
