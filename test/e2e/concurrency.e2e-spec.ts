import { createTestApp, fixture, TestApp } from '../support/test-app';

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
    const sends = shuffle(people.flatMap((person) => [...person.sends, ...person.sends]), seed);
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
