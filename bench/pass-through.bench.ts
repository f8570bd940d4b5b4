/**
 * A media upload through the LINK pass-through, measured from outside: the built service in a
 * process of its own (on the embedded database, in a temporary folder), a fake LINK that hashes
 * and drops what it gets, and uploads of 10 MB and 100 MB streamed in 64 KB chunks. The service's
 * resident memory (VmRSS, from /proc) is sampled every 10 ms: streamed, it stays flat; held whole,
 * it would grow by at least the upload. Ports 4150-4159 (BENCH_PASS_THROUGH_PORT, the service; the
 * next one, LINK).
 */
import { ChildProcess, fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopService, whenReady } from './support';

const PORT = Number(process.env.BENCH_PASS_THROUGH_PORT ?? 4151);
const LINK_PORT = PORT + 1;
const SENDER = { name: 'bench-sender', secret: 'bench-sender-secret-0123456789', roles: ['send', 'admin'], portfolios: ['*'] };
const BUSINESS_NUMBER = '+46000000000';
const BOUNDARY = 'bench-pass-through';
const CHUNK = Buffer.alloc(64 * 1024, 0x5a);
const SIZES_MB = [10, 100];

interface LinkSeen {
  bytes: number;
  sha256: string;
}

/** LINK's POST /media: reads the form as it comes, keeps its hash, answers a media id. */
function startLink(): Promise<{ seen: LinkSeen[]; close: () => void }> {
  const seen: LinkSeen[] = [];
  const server = createServer((req, res) => {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    req.on('end', () => {
      seen.push({ bytes, sha256: hash.digest('hex') });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('1037543291543636');
    });
  });
  return new Promise((resolve) => server.listen(LINK_PORT, '127.0.0.1', () => resolve({ seen, close: () => server.close() })));
}

function startService(dataDir: string): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(PORT),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    API_KEYS: JSON.stringify([SENDER]),
    LINK_BASE_URL: `http://127.0.0.1:${LINK_PORT}`,
    LINK_USERNAME: 'bench-link-user',
    LINK_PASSWORD: 'bench-link-password',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_API: '0',
  };
  delete env.DATABASE_URL;
  const child = fork(join(__dirname, '..', 'src', 'main.js'), [], { env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return whenReady(child, PORT);
}

function call(method: string, path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: PORT,
        method,
        path,
        auth: `${SENDER.name}:${SENDER.secret}`,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The service's resident set, in bytes. */
function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) * 1024;
}

/** Streams a multipart form with a file of `megabytes` to POST /link/media, respecting backpressure. */
async function upload(megabytes: number): Promise<{ status: number; bytes: number; sha256: string }> {
  const lead = Buffer.from(
    [
      ...Object.entries({ source: BUSINESS_NUMBER, platformId: 'TEST_XA', platformPartnerId: '1', mediaContentType: 'video/mp4' }).map(
        ([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      ),
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="media"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
    ].join(''),
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  const chunks = (megabytes * 1024 * 1024) / CHUNK.length;
  const length = lead.length + chunks * CHUNK.length + tail.length;
  const hash = createHash('sha256');
  const req = request({
    host: '127.0.0.1',
    port: PORT,
    method: 'POST',
    path: '/link/media',
    auth: `${SENDER.name}:${SENDER.secret}`,
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': String(length) },
  });
  const answered = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
  const write = (data: Buffer) => {
    hash.update(data);
    return req.write(data) ? Promise.resolve() : new Promise<void>((resolve) => req.once('drain', resolve));
  };
  await write(lead);
  for (let sent = 0; sent < chunks; sent++) await write(CHUNK);
  await write(tail);
  req.end();
  return { status: await answered, bytes: length, sha256: hash.digest('hex') };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'contact-book-pass-through-'));
  const link = await startLink();
  const service = await startService(dataDir);
  const pid = service.pid as number;
  try {
    const body = JSON.stringify({ businessNumbers: [BUSINESS_NUMBER], platformId: 'TEST_XA', platformPartnerId: '1' });
    if ((await call('PUT', '/v1/portfolios/acme', body)) >= 300) throw new Error('the portfolio could not be made');
    // One small upload first: the code paths are loaded and compiled before anything is measured.
    await upload(1);
    const rows: Record<string, string | number>[] = [];
    for (const megabytes of SIZES_MB) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const before = rssOf(pid);
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 10);
      const started = process.hrtime.bigint();
      const sent = await upload(megabytes);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      clearInterval(sampler);
      const received = link.seen.at(-1);
      if (sent.status !== 200 || received?.bytes !== sent.bytes || received.sha256 !== sent.sha256) {
        throw new Error(`the ${megabytes} MB upload did not reach LINK whole (status ${sent.status})`);
      }
      rows.push({
        upload: `${megabytes} MB`,
        'RSS before (MB)': mb(before),
        'RSS peak (MB)': mb(peak),
        'growth (MB)': mb(peak - before),
        'MB/s': Math.round((megabytes / seconds) * 10) / 10,
      });
    }
    console.table(rows);
  } finally {
    await stopService(service);
    link.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function mb(bytes: number): number {
  return Math.round((bytes / 1048576) * 10) / 10;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
