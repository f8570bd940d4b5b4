import request from 'supertest';
import { createTestApp, fixture, KEYS, TestApp } from '../support/test-app';

const PEOPLE = 40;

/** Everything LINK may say about one person: phone-only MO, BSUID-only MO, and the DLR that links them. */
function webhooksFor(person: number) {
  const msisdn = `+4670${String(1_000_000 + person).slice(1)}`;
  const bsuid = `SE.${String(10_000_000_000 + person)}`;
  const minute = String(person % 60).padStart(2, '0');
  const phoneMo = { ...fixture('mo-01-text-msisdn'), source: msisdn, messageId: `p-${person}`, timestamp: `2026-06-01T10:${minute}:00Z` };
  const bsuidMo = {
    ...fixture('mo-03-text-bsuid-source'),
    destination: '+46000000000',
    source: bsuid,
    customParameters: { whatsappUserId: bsuid },
    messageId: `b-${person}`,
    timestamp: `2026-06-01T11:${minute}:00Z`,
  };
  const dlr = {
    ...fixture('dlr-02-sent-msisdn-bsuid'),
    messageId: `d-${person}`,
    timestamp: `2026-06-01T12:${minute}:00Z`,
    customParameters: { destination: msisdn, whatsappUserId: bsuid },
  };
  return { msisdn, bsuid, sends: [(t: TestApp) => t.postMo(phoneMo), (t: TestApp) => t.postMo(bsuidMo), (t: TestApp) => t.postDlr(dlr)] };
}

function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

// With several ingest transactions at once (PostgreSQL), batches race for the same identifiers:
// deferred unique constraints, re-checked locks and retries must still give one contact per person.
describe.each([1, 4])('concurrent webhooks about overlapping identifiers, %i ingest transaction(s) at once', (ingestConcurrency) => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp({ ingestConcurrency })));
  beforeEach(() => t.resetDatabase());
  afterAll(() => t.close());

  it.each([1, 2, 3])('end with exactly one contact per person (shuffle %i), each webhook delivered twice', async (seed) => {
    const people = Array.from({ length: PEOPLE }, (_, person) => webhooksFor(person));
    const sends = shuffle(
      people.flatMap((person) => [...person.sends, ...person.sends]),
      seed,
    );
    const answers = await Promise.all(sends.map((send) => send(t)));

    expect(answers.map((res) => res.status)).toEqual(sends.map(() => 200));
    const statuses = answers.map((res) => res.body.status);
    expect(statuses.filter((status) => status === 'applied')).toHaveLength(PEOPLE * 3);
    expect(statuses.filter((status) => status === 'duplicate')).toHaveLength(PEOPLE * 3);

    const contacts = await t.contactsOf('default');
    const expected = people.map(({ msisdn, bsuid }) => ({ msisdn, bsuid }));
    const actual = contacts.map(({ msisdn, bsuid }) => ({ msisdn, bsuid }));
    const byPhone = (a: { msisdn: string | null }, b: { msisdn: string | null }) => String(a.msisdn).localeCompare(String(b.msisdn));
    expect(actual.sort(byPhone)).toEqual(expected.sort(byPhone));

    const history = await t.dataSource.query(`SELECT action, count(*)::int AS n FROM link_history GROUP BY action ORDER BY action`);
    const merges = history.find((row: { action: string }) => row.action === 'merged')?.n ?? 0;
    const created = history.find((row: { action: string }) => row.action === 'created')?.n ?? 0;
    // Every contact created either survives or was merged into a survivor.
    expect(created - merges).toBe(PEOPLE);
    // The later MO (the BSUID one, at 11:mm) is every person's last inbound, whichever contact survived.
    const inbound = await t.dataSource.query(`SELECT bsuid, last_inbound_at FROM contact WHERE merged_into IS NULL`);
    expect(inbound).toHaveLength(PEOPLE);
    for (const row of inbound) {
      const person = Number(row.bsuid.slice(3)) - 10_000_000_000;
      expect(row.last_inbound_at).toEqual(new Date(`2026-06-01T11:${String(person % 60).padStart(2, '0')}:00Z`));
    }
    const orphans = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM contact_exchange e WHERE NOT EXISTS (SELECT 1 FROM contact c WHERE c.id = e.contact_id)`,
    );
    expect(orphans).toEqual([{ n: 0 }]);
  });
});

// Admin writes take the same locks as webhook batches: an import or an erasure racing webhooks
// about the same people must neither lose an update nor leave a person in two contacts.
describe('imports and erasures racing webhooks, on the same people', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp({ ingestConcurrency: 4 })));
  beforeEach(() => t.resetDatabase());
  afterAll(() => t.close());

  const importRows = (rows: Record<string, string>[]) =>
    request(t.http).put('/v1/portfolios/default/contacts').auth(KEYS.admin, { type: 'bearer' }).send({ contacts: rows });

  it.each([1, 2])('end with one contact per person holding both links, attested, and the CRM id (shuffle %i)', async (seed) => {
    const people = Array.from({ length: PEOPLE }, (_, person) => webhooksFor(person));
    const imports = [0, 1, 2, 3].map(
      (chunk) => () =>
        importRows(
          people.slice(chunk * 10, chunk * 10 + 10).map(({ msisdn }, index) => ({ msisdn, externalId: `crm-${chunk * 10 + index}` })),
        ),
    );
    const sends = shuffle([...people.flatMap((person) => person.sends.map((send) => () => send(t))), ...imports], seed);
    const answers = await Promise.all(sends.map((send) => send()));
    expect(answers.map((res) => res.status)).toEqual(sends.map(() => 200));

    const contacts = await t.dataSource.query(
      `SELECT msisdn, bsuid, msisdn_strength AS "msisdnStrength", bsuid_strength AS "bsuidStrength", external_id AS "externalId"
       FROM contact WHERE merged_into IS NULL ORDER BY msisdn`,
    );
    expect(contacts).toEqual(
      people.map(({ msisdn, bsuid }, person) => ({
        msisdn,
        bsuid,
        msisdnStrength: 'attested',
        bsuidStrength: 'attested',
        externalId: `crm-${person}`,
      })),
    );
  });

  it('leaves no trace of an erased person and no identifier in two contacts when erasures race new webhooks', async () => {
    const people = Array.from({ length: PEOPLE }, (_, person) => webhooksFor(person));
    for (const person of people) for (const send of person.sends.slice(0, 2)) await send(t).expect(200);
    const erase = (msisdn: string) =>
      request(t.http)
        .delete(`/v1/portfolios/default/contacts/${encodeURIComponent(msisdn)}`)
        .auth(KEYS.admin, { type: 'bearer' });
    // The linking DLR of every person races the erasure of every other person.
    const racing = shuffle(
      people.flatMap((person, index) => [() => person.sends[2](t), ...(index % 2 === 0 ? [() => erase(person.msisdn)] : [])]),
      7,
    );
    const answers = await Promise.all(racing.map((send) => send()));
    expect(answers.map((res) => res.status).filter((status) => status !== 200)).toEqual([]);

    for (const column of ['msisdn', 'bsuid']) {
      const twice = await t.dataSource.query(
        `SELECT ${column} FROM contact WHERE ${column} IS NOT NULL GROUP BY ${column} HAVING count(*) > 1`,
      );
      expect(twice).toEqual([]);
    }
    const orphans = await t.dataSource.query(
      `SELECT (SELECT count(*)::int FROM link_history h WHERE NOT EXISTS (SELECT 1 FROM contact c WHERE c.id = h.contact_id)) AS history,
              (SELECT count(*)::int FROM link_conflict k WHERE NOT EXISTS (SELECT 1 FROM contact c WHERE c.id = k.contact_id)) AS conflicts,
              (SELECT count(*)::int FROM contact_exchange e WHERE NOT EXISTS (SELECT 1 FROM contact c WHERE c.id = e.contact_id)) AS exchanges,
              (SELECT count(*)::int FROM contact m WHERE m.merged_into IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM contact c WHERE c.id = m.merged_into)) AS "mergedIntoNothing"`,
    );
    expect(orphans).toEqual([{ history: 0, conflicts: 0, exchanges: 0, mergedIntoNothing: 0 }]);
    // The people not erased are whole: one contact with both links.
    const kept = people.filter((_, index) => index % 2 === 1);
    const rows = await t.dataSource.query(
      `SELECT msisdn, bsuid FROM contact WHERE merged_into IS NULL AND msisdn = ANY($1) ORDER BY msisdn`,
      [kept.map((person) => person.msisdn)],
    );
    expect(rows).toEqual(kept.map(({ msisdn, bsuid }) => ({ msisdn, bsuid })));
  });
});
