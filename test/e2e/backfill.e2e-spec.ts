import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { runBackfill } from '../../src/backfill/backfill.command';
import { BackfillService } from '../../src/backfill/backfill.service';
import { BackfillOptions } from '../../src/backfill/domain/options';
import { IngestService } from '../../src/graph/ingest.service';
import { SentMessagesRepository } from '../../src/sent-messages/sent-messages.repository';
import { WebhooksService } from '../../src/webhooks/webhooks.service';
import { mo } from '../support/link-builders';
import { ACME_NUMBER, GLOBEX_NUMBER, resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, fixture, TestApp } from '../support/test-app';

const P1 = '+46700000001';
const P2 = '+46700000002';
const P3 = '+46700000003';
const S1 = 'SE.1000000000000000001';
const S2 = 'SE.2000000000000000002';
const S3 = 'SE.3000000000000000003';
const E2 = 'SE.ENT.2000000000000000002';
const at = (second: number) => new Date(Date.UTC(2026, 5, 1, 12, 0, second)).toISOString();

/** The platform fields that route a DLR to acme or to globex. */
const PLATFORMS = { acme: { platformId: 'TEST_XA', platformPartnerId: '1' }, globex: { platformId: 'TEST_GX' } };

const dlr = (
  portfolio: 'acme' | 'globex',
  resultCode: number,
  parameters: Record<string, string>,
  messageId: string,
  timestamp: string,
) => ({
  ...fixture('dlr-02-sent-msisdn-bsuid'),
  resultCode,
  messageId,
  timestamp,
  customParameters: { ...PLATFORMS[portfolio], ...parameters },
});

/** MOs and DLRs that merge, relink, raise a conflict and mark a contact invalid, in time order. */
const webhooks = (portfolio: 'acme' | 'globex') => {
  const destination = portfolio === 'acme' ? ACME_NUMBER : GLOBEX_NUMBER;
  return [
    mo(P1, null, 'm1', at(10), destination),
    mo(S3, null, 'm2', at(20), destination),
    dlr(portfolio, 112006, { destination: P2, whatsappUserId: S2 }, 'd1', at(30)),
    mo(P3, { whatsappUserId: S3 }, 'm3', at(40), destination),
    mo(P1, { whatsappUserId: S1 }, 'm4', at(41), destination),
    dlr(portfolio, 112003, { destination: P2 }, 'd2', at(50)),
    mo(P1, { whatsappUserId: S3 }, 'm5', at(60), destination),
    dlr(portfolio, 112404, { whatsappUserId: S2 }, 'd3', at(70)),
    mo(P2, { whatsappUserId: S2, whatsappParentUserId: E2 }, 'm6', at(80), destination),
  ];
};

/** A fixed shuffle, so that no file is in time order. */
const shuffled = <T>(items: T[]) => [5, 8, 0, 3, 7, 1, 6, 2, 4].map((index) => items[index]);
const ndjson = (bodies: object[]) => bodies.map((body) => JSON.stringify(body)).join('\n') + '\n';

describe('backfill of archived webhooks', () => {
  let t: TestApp;
  let backfill: BackfillService;
  let folder: string;
  beforeAll(async () => {
    t = await createTestApp();
    backfill = new BackfillService(t.app.get(WebhooksService), t.app.get(IngestService), t.app.get(SentMessagesRepository));
  });
  beforeEach(async () => {
    await resetWithAcmeAndGlobex(t);
    folder = mkdtempSync(join(tmpdir(), 'backfill-e2e-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));
  afterAll(() => t.close());

  function file(name: string, content: string | Buffer): string {
    writeFileSync(join(folder, name), content);
    return name;
  }

  async function run(files: string[], options: Partial<BackfillOptions> = {}) {
    let out = '';
    let err = '';
    const sink = Object.assign(new Writable({ write: (_chunk, _encoding, done) => done() }), { isTTY: false });
    const code = await runBackfill(
      backfill,
      { files, chunk: 2, ...options },
      {
        cwd: folder,
        out: (text) => (out += text),
        err: (text) => (err += text),
        stopping: () => false,
        progress: sink as unknown as NodeJS.WriteStream,
      },
    );
    const count = (name: string) => Number(new RegExp(`^  ${name}\\s+([\\d,]+)`, 'm').exec(out)?.[1].replace(/,/g, '') ?? NaN);
    return {
      code,
      out,
      err,
      counts: { applied: count('applied'), duplicate: count('duplicate'), ignored: count('ignored'), invalid: count('invalid') },
    };
  }

  async function postAll(bodies: Record<string, unknown>[]): Promise<void> {
    for (const body of bodies) {
      const res = 'resultCode' in body ? await t.postDlr(body) : await t.postMo(body);
      expect(res.status).toBe(200);
    }
  }

  it('gives the graph, history and activity that the live webhooks in time order give, from files in no order', async () => {
    await postAll(webhooks('acme'));
    const bodies = shuffled(webhooks('globex'));
    const result = await run([file('b.ndjson', ndjson(bodies.slice(4))), file('a.ndjson', ndjson(bodies.slice(0, 4)))]);

    expect(result.code).toBe(0);
    expect(result.counts).toEqual({ applied: 9, duplicate: 0, ignored: 0, invalid: 0 });
    const live = await graph('acme');
    expect(live.contacts).toHaveLength(3);
    expect(live.history.length).toBeGreaterThan(5);
    await expect(graph('globex')).resolves.toEqual(live);
  });

  it('gives the graph the live webhooks give in another arrival order', async () => {
    await postAll([...webhooks('acme')].reverse());
    const result = await run([file('all.ndjson', ndjson(shuffled(webhooks('globex'))))], { chunk: 4 });

    expect(result.code).toBe(0);
    const { contacts, conflicts } = await graph('globex');
    const live = await graph('acme');
    expect({ contacts, conflicts }).toEqual({ contacts: live.contacts, conflicts: live.conflicts });
  });

  it('counts a redelivered webhook once, within the files, across them and after the live path', async () => {
    const [m1, m2, d1] = webhooks('globex');
    await postAll([m2]);
    const result = await run([file('one.ndjson', ndjson([m1, d1, m1, m2])), file('two.ndjson', ndjson([d1]))]);

    expect(result.code).toBe(0);
    expect(result.counts).toEqual({ applied: 2, duplicate: 3, ignored: 0, invalid: 0 });
    const created = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM link_history WHERE portfolio = 'globex' AND action = 'created'`,
    );
    expect(created).toEqual([{ n: 3 }]);
  });

  it('reads a gzipped JSON array as well as NDJSON', async () => {
    const bodies = webhooks('globex');
    const array = JSON.stringify(bodies.slice(0, 5), null, 2);
    const result = await run([file('archive.json.gz', gzipSync(array)), file('rest.ndjson.gz', gzipSync(ndjson(bodies.slice(5))))]);

    expect(result.code).toBe(0);
    expect(result.counts).toEqual({ applied: 9, duplicate: 0, ignored: 0, invalid: 0 });
    await postAll(webhooks('acme'));
    expect((await graph('globex')).contacts).toEqual((await graph('acme')).contacts);
  });

  it('reports invalid bodies by file and line, applies the rest and exits with 2', async () => {
    const [m1] = webhooks('globex');
    const lines = [
      JSON.stringify(m1),
      '{"destination": "+47000000000", "source": ',
      JSON.stringify({ ...m1, messageId: 'bad-source', source: 'hello' }),
      JSON.stringify([m1]),
      '',
      JSON.stringify(fixture('dlr-01-sent-msisdn')),
      JSON.stringify({ ...m1, messageId: 'no-time', timestamp: 'yesterday' }),
    ];
    const result = await run([file('mixed.ndjson', lines.join('\n'))]);

    expect(result.code).toBe(2);
    expect(result.counts).toEqual({ applied: 1, duplicate: 0, ignored: 1, invalid: 4 });
    const path = join(folder, 'mixed.ndjson');
    expect(
      result.out
        .split('\n')
        .filter((line) => line.includes(path))
        .map((line) => Number(line.split(':')[1])),
    ).toEqual([2, 3, 4, 7]);
    expect(result.out).toContain(`${path}:2: not JSON`);
    expect(result.out).toContain(`${path}:3: source: "he***" is neither a phone number nor a BSUID`);
    expect(result.out).toContain(`${path}:4: not a JSON object`);
    expect(result.out).toContain(`${path}:7: timestamp: must be an RFC 3339 date-time`);
    await expect(t.contactsOf('globex')).resolves.toEqual([{ id: expect.any(String), msisdn: P1, bsuid: null, parentBsuid: null }]);
  });

  it('resumes an interrupted run from its checkpoint with the same graph and counts', async () => {
    await postAll(webhooks('acme'));
    // The first webhook is archived twice: each run reads it as a duplicate once.
    const names = [file('archive.ndjson', ndjson([...shuffled(webhooks('globex')), webhooks('globex')[0]]))];

    const first = await run(names, { chunk: 2, stopAfter: 2 });
    expect(first.code).toBe(130);
    // Two chunks of two, and the two webhooks the second skipped past (about people the first
    // named), applied before the stop.
    expect(first.counts).toEqual({ applied: 6, duplicate: 1, ignored: 0, invalid: 0 });
    const states = readdirSync(folder).filter((name) => name.startsWith('.backfill-'));
    expect(states).toHaveLength(1);
    // What was applied is the checkpoint's whole prefix: nothing past it waits to be counted twice.
    expect(JSON.parse(readFileSync(join(folder, states[0]), 'utf8'))).toMatchObject({ committed: first.counts.applied });
    expect((await graph('globex')).contacts).not.toEqual((await graph('acme')).contacts);

    const second = await run(names, { chunk: 2 });
    expect(second.code).toBe(0);
    expect(second.err).toContain(`Resuming after ${first.counts.applied} webhooks`);
    expect(second.counts).toEqual({ applied: 9, duplicate: 1, ignored: 0, invalid: 0 });
    await expect(graph('globex')).resolves.toEqual(await graph('acme'));
    // Done: the checkpoint goes, and a third run finds every webhook applied already.
    expect(readdirSync(folder).filter((name) => name.startsWith('.backfill-'))).toEqual([]);
    const third = await run(names);
    expect(third.counts).toEqual({ applied: 0, duplicate: 10, ignored: 0, invalid: 0 });
  });

  it('answers 64 for a file that is not there, and changes nothing', async () => {
    const result = await run(['missing.ndjson']);
    expect(result.code).toBe(64);
    expect(result.err).toContain('missing.ndjson: no such file');
    await expect(t.contactsOf('globex')).resolves.toEqual([]);
  });

  /** A portfolio's graph by value (ids left out): contacts, open conflicts and history, each sorted. */
  async function graph(portfolio: string) {
    const contacts = await t.dataSource.query(
      `SELECT concat_ws(' ', parent_bsuid, bsuid, msisdn, first_seen_at, last_seen_at, last_inbound_at, last_outbound_at, invalid_at) AS row
       FROM contact WHERE portfolio = $1 AND merged_into IS NULL AND (msisdn IS NOT NULL OR bsuid IS NOT NULL OR parent_bsuid IS NOT NULL)`,
      [portfolio],
    );
    const conflicts = await t.dataSource.query(
      `SELECT concat_ws(' ', field, existing_value, claimed_value) AS row FROM link_conflict WHERE portfolio = $1 AND status = 'open'`,
      [portfolio],
    );
    const history = await t.dataSource.query(
      `SELECT concat_ws(' ', action, field, from_value, to_value, evidence->>'kind', evidence->>'messageId', event_at) AS row
       FROM link_history WHERE portfolio = $1`,
      [portfolio],
    );
    const rows = (result: { row: string }[]) => result.map(({ row }) => row).sort();
    return { contacts: rows(contacts), conflicts: rows(conflicts), history: rows(history) };
  }
});
