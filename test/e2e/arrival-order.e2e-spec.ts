import fc from 'fast-check';
import { mo } from '../support/link-builders';
import { GLOBEX_NUMBER, resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, TestApp } from '../support/test-app';

/** DESIGN rule 5: the graph is what its webhooks give in event-time order, whatever order they arrive in. */
describe('arrival order (rule 5)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  beforeEach(() => resetWithAcmeAndGlobex(t));
  afterAll(() => t.close());

  const P1 = '+46700000001';
  const P3 = '+46700000003';
  const S1 = 'SE.1000000000000000001';
  const S3 = 'SE.3000000000000000003';
  const at = (second: number) => new Date(Date.UTC(2026, 5, 1, 12, 0, second)).toISOString();

  /** The five MOs: P1 alone at t10, S3 alone at t20, P3+S3 at t40, P1+S1 at t40, P1+S3 at t60. */
  const five = (destination?: string) => ({
    p1: mo(P1, null, 'p1', at(10), destination),
    s3: mo(S3, null, 's3', at(20), destination),
    p3s3: mo(P3, { whatsappUserId: S3 }, 'p3s3', at(40), destination),
    p1s1: mo(P1, { whatsappUserId: S1 }, 'p1s1', at(40), destination),
    p1s3: mo(P1, { whatsappUserId: S3 }, 'p1s3', at(60), destination),
  });

  async function post(bodies: object[]): Promise<void> {
    for (const body of bodies) {
      const res = await t.postMo(body);
      expect(res.status).toBe(200);
    }
  }

  it("ends the issue's five MOs the same in arrival order as in time order", async () => {
    const acme = five();
    const globex = five(GLOBEX_NUMBER);
    await post([acme.p1, acme.s3, acme.p3s3, acme.p1s1, acme.p1s3]); // time order
    await post([globex.p1, globex.s3, globex.p1s3, globex.p3s3, globex.p1s1]); // arrival order of the issue

    const expected = {
      contacts: [`- ${S1} ${P1}`, `- ${S3} ${P3}`],
      conflicts: [`msisdn ${P3} ${P1}`],
    };
    await expect(shape('acme')).resolves.toEqual(expected);
    await expect(shape('globex')).resolves.toEqual(expected);
  });

  it('keeps a contact id through a replay and records what moved with the late webhook as evidence', async () => {
    const { p1, s3, p1s3, p3s3 } = five();
    await post([p1, s3, p1s3]);
    const [merged] = await t.contactsOf('acme');
    expect(merged).toEqual({ id: expect.any(String), msisdn: P1, bsuid: S3, parentBsuid: null });

    await post([p3s3]);

    const contacts = await t.contactsOf('acme');
    expect(contacts).toHaveLength(2);
    expect(contacts).toEqual(
      expect.arrayContaining([
        { id: merged.id, msisdn: P3, bsuid: S3, parentBsuid: null },
        { id: expect.any(String), msisdn: P1, bsuid: null, parentBsuid: null },
      ]),
    );
    const rows = await t.dataSource.query(
      `SELECT action, field, from_value AS "from", to_value AS "to" FROM link_history
       WHERE portfolio = 'acme' AND evidence->>'messageId' = 'p3s3' ORDER BY id`,
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        { action: 'unlinked', field: 'msisdn', from: P1, to: null },
        { action: 'linked', field: 'msisdn', from: null, to: P3 },
        { action: 'linked', field: 'msisdn', from: null, to: P1 },
      ]),
    );
    // The conflict the merge never raised is open now: S3's phone was P3 before P1 claimed it.
    await expect(shape('acme')).resolves.toEqual({
      contacts: [`- - ${P1}`, `- ${S3} ${P3}`],
      conflicts: [`msisdn ${P3} ${P1}`],
    });
  });

  it('counts a redelivered late webhook once', async () => {
    const { p1, s3, p1s3, p3s3 } = five();
    await post([p1, s3, p1s3, p3s3]);
    const before = await t.dataSource.query(`SELECT count(*)::int AS n FROM link_history WHERE portfolio = 'acme'`);
    const again = await t.postMo(p3s3);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('duplicate');
    await expect(t.dataSource.query(`SELECT count(*)::int AS n FROM link_history WHERE portfolio = 'acme'`)).resolves.toEqual(before);
  });

  it('takes a late webhook as it comes where the contacts predate the log', async () => {
    const { p1, s3, p1s3, p3s3 } = five();
    await post([p1, s3, p1s3]);
    await t.dataSource.query(`UPDATE contact SET has_full_log = false WHERE portfolio = 'acme'`);
    await post([p3s3]);
    // As before the log: the merge stays, and the older pairing is only a conflict.
    await expect(shape('acme')).resolves.toEqual({ contacts: [`- ${S3} ${P1}`], conflicts: [`msisdn ${P1} ${P3}`] });
  });

  it('gives the same graph for random webhooks in random arrival orders', async () => {
    const phones = ['+46700000001', '+46700000002', '+46700000003'];
    const bsuids = ['SE.1000000000000000001', 'SE.2000000000000000002', 'SE.3000000000000000003'];
    const parents = ['SE.ENT.1000000000000000001', 'SE.ENT.2000000000000000002'];
    const webhook = fc.record({
      second: fc.integer({ min: 0, max: 5 }),
      phone: fc.option(fc.constantFrom(...phones), { nil: undefined }),
      bsuid: fc.constantFrom(...bsuids),
      bsuidInSource: fc.boolean(),
      parent: fc.option(fc.constantFrom(...parents), { nil: undefined }),
    });
    const orders = fc
      .array(webhook, { minLength: 2, maxLength: 7 })
      .chain((hooks) =>
        fc.tuple(fc.constant(hooks), fc.shuffledSubarray([...hooks.keys()], { minLength: hooks.length, maxLength: hooks.length })),
      );
    await fc.assert(
      fc.asyncProperty(orders, async ([hooks, arrival]) => {
        await resetWithAcmeAndGlobex(t);
        const bodies = (destination?: string) =>
          hooks.map((hook, index) => {
            const parameters: Record<string, string> = {};
            if (hook.phone && hook.bsuidInSource === false) parameters.whatsappUserId = hook.bsuid;
            if (hook.parent) parameters.whatsappParentUserId = hook.parent;
            const source = hook.phone && !hook.bsuidInSource ? hook.phone : hook.bsuid;
            return mo(source, Object.keys(parameters).length > 0 ? parameters : null, `w${index}`, at(hook.second * 10), destination);
          });
        const ordered = bodies()
          .map((body, index) => ({ body, key: `${body.timestamp}|${index}` }))
          .sort((a, b) => (a.key < b.key ? -1 : 1));
        await post(ordered.map(({ body }) => body));
        const globex = bodies(GLOBEX_NUMBER);
        await post(arrival.map((index) => globex[index]));
        expect(await shape('globex')).toEqual(await shape('acme'));
      }),
      { numRuns: 25 },
    );
  });

  /** Identifiers per live contact and open conflicts, by value: what the order of arrival must not change. */
  async function shape(portfolio: string): Promise<{ contacts: string[]; conflicts: string[] }> {
    const contacts = await t.dataSource.query(
      `SELECT concat_ws(' ', coalesce(parent_bsuid, '-'), coalesce(bsuid, '-'), coalesce(msisdn, '-')) AS ids FROM contact
       WHERE portfolio = $1 AND merged_into IS NULL AND (msisdn IS NOT NULL OR bsuid IS NOT NULL OR parent_bsuid IS NOT NULL)`,
      [portfolio],
    );
    const conflicts = await t.dataSource.query(
      `SELECT DISTINCT concat_ws(' ', field, coalesce(existing_value, 'null'), claimed_value) AS conflict FROM link_conflict
       WHERE portfolio = $1 AND status = 'open'`,
      [portfolio],
    );
    return {
      contacts: contacts.map((row: { ids: string }) => row.ids).sort(),
      conflicts: conflicts.map((row: { conflict: string }) => row.conflict).sort(),
    };
  }
});
