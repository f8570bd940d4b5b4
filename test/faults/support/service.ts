/**
 * The service as production runs it: the build (`dist/src/main.js`) in a process of its own, on
 * 127.0.0.1 and a free port, with its own API keys. Its output is kept (last lines) for diagnostics.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get } from './http';

export const ROOT = join(__dirname, '..', '..', '..');
export const MAIN = join(ROOT, 'dist', 'src', 'main.js');

export const FAULT_KEYS = {
  admin: 'faults-admin-secret-0123456789',
  webhook: 'faults-webhook-secret-0123456789',
  sender: 'faults-sender-secret-0123456789',
} as const;

export const FAULT_API_KEYS = [
  { name: 'faults-admin', secret: FAULT_KEYS.admin, roles: ['admin'], portfolios: ['*'] },
  { name: 'link', secret: FAULT_KEYS.webhook, roles: ['webhook'], portfolios: ['*'] },
  { name: 'acme-sender', secret: FAULT_KEYS.sender, roles: ['send'], portfolios: ['acme'] },
];

/** As LINK posts webhooks: Basic with the key's name and secret. */
export const WEBHOOK_AUTH = `Basic ${Buffer.from(`link:${FAULT_KEYS.webhook}`).toString('base64')}`;
export const ADMIN_AUTH = `Bearer ${FAULT_KEYS.admin}`;
export const SENDER_AUTH = `Basic ${Buffer.from(`acme-sender:${FAULT_KEYS.sender}`).toString('base64')}`;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Date.now() when the process exited. */
  at: number;
}

export interface Service {
  child: ChildProcess;
  port: number;
  /** Resolves when the process has exited, however it ended. */
  exited: Promise<Exit>;
  /** undefined while the process runs. */
  exit(): Exit | undefined;
  /** The last lines it wrote (stdout and stderr), for failure messages. */
  output(): string;
}

/** A TCP port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const tempDirs: string[] = [];

/** A fresh temp folder (the cwd of the service, so that no `.env` of the checkout is read); see `removeTempDirs`. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `contact-book-faults-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

/** Removes the folders `tempDir` made (for an `afterAll`, once the services are gone). */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

const KEEP_LINES = 200;

/**
 * Starts the service. `env` is laid over a clean environment: DATABASE_URL is set only when given
 * (unset means the embedded database in `DATA_DIR`). Does not wait for readiness: see `waitReady`.
 */
export async function spawnService(env: Record<string, string | undefined>, port?: number): Promise<Service> {
  const chosenPort = port ?? (await freePort());
  const base: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Nothing of the runner's own service configuration leaks in (a DATABASE_URL meant for e2e tests, say).
    if (value !== undefined && !/^(DATABASE_URL|DATA_DIR|API_KEYS|PORT|HOST|LINK_.*|SHUTDOWN_GRACE_MS|NODE_OPTIONS)$/.test(key))
      base[key] = value;
  }
  const fullEnv: Record<string, string> = {
    ...base,
    PORT: String(chosenPort),
    HOST: '127.0.0.1',
    API_KEYS: JSON.stringify(FAULT_API_KEYS),
    LOG_LEVEL: 'warn',
    // The streams here send far more than a client would.
    RATE_LIMIT_API: '0',
    RATE_LIMIT_WEBHOOKS: '0',
  };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete fullEnv[key];
    else fullEnv[key] = value;
  }
  const cwd = fullEnv.DATA_DIR ?? tempDir('cwd');
  const child = spawn(process.execPath, [MAIN], { cwd, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      lines.push(line.length > 500 ? `${line.slice(0, 500)}…` : line);
      if (lines.length > KEEP_LINES) lines.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exit: Exit | undefined;
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal, at: Date.now() };
      resolve(exit);
    });
  });
  return { child, port: chosenPort, exited, exit: () => exit, output: () => lines.join('\n') };
}

/** Polls GET /health/ready until it answers 200; fails when the process exits or `timeoutMs` passes. */
export async function waitReady(service: Service, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  let last = 'no answer yet';
  while (Date.now() - started < timeoutMs) {
    const exit = service.exit();
    if (exit)
      throw new Error(
        `the service exited (code ${exit.code}, signal ${exit.signal}) before it was ready; its output:\n${service.output()}`,
      );
    try {
      const res = await get(service.port, '/health/ready', undefined, 3_000);
      if (res.status === 200) return Date.now() - started;
      last = `${res.status} ${res.body.slice(0, 300)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(150);
  }
  throw new Error(`the service was not ready within ${timeoutMs} ms (last: ${last}); its output:\n${service.output()}`);
}

export async function startService(env: Record<string, string | undefined>, timeoutMs = 60_000): Promise<Service> {
  const service = await spawnService(env);
  try {
    await waitReady(service, timeoutMs);
  } catch (error) {
    await killService(service);
    throw error;
  }
  return service;
}

/** SIGKILLs the process (when it still runs) and waits for its exit. */
export async function killService(service: Service | undefined): Promise<void> {
  if (!service || service.exit()) return;
  service.child.kill('SIGKILL');
  await service.exited;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves with the exit, or undefined when the process is still running after `ms`. */
export function exitWithin(service: Service, ms: number): Promise<Exit | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([service.exited, late]).finally(() => clearTimeout(timer));
}

/** Polls `condition` every 50 ms; fails naming `what` after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  details: () => string = () => '',
): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${details() ? `; ${details()}` : ''}`);
    await sleep(50);
  }
  return Date.now() - started;
}

/** One line to the runner's stderr (not through Jest's console, which adds a stack to every line). */
export function note(text: string): void {
  process.stderr.write(`[faults] ${text}\n`);
}
