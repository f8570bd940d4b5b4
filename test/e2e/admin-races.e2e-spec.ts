import { api } from '../support/api';
import { mo } from '../support/link-builders';
import { ACME } from '../support/portfolios';
import { holdRowLock, RowLock } from '../support/row-lock';
import { createTestApp, TestApp } from '../support/test-app';

const M = '+46701111111';
const MZ = '+46702222222';
const MF = '+46703333333';
const B = 'SE.11111111111111111111';

/**
 * An admin write and a webhook merge about the same contact, released at the same moment on
 * PostgreSQL: the admin write must act on the person where they are after the merge, or refuse.
 */
describe('admin writes racing a webhook that merges their contact', () => {
  let t: TestApp;
  let lock: RowLock | undefined;
  const http = api(() => t);
  beforeAll(async () => (t = await createTestApp({ ingestConcurrency: 2 })));
  beforeEach(async () => {
    await t.resetDatabase();
    await t.putPortfolio('acme', ACME);
  });
  afterEach(() => lock?.release()); // a failed test must not leave the next one queued behind it
  afterAll(() => t.close());

  const idOf = async (column: 'msisdn' | 'bsuid', value: string): Promise<string> =>
    (await t.dataSource.query(`SELECT id FROM contact WHERE ${column} = $1`, [value]))[0].id;
  /** No merged-away contact may still hold an identifier: it would answer look-ups and take webhooks. */
  const mergedHoldingIdentifiers = () =>
    t.dataSource.query(`SELECT id FROM contact WHERE merged_into IS NOT NULL AND coalesce(msisdn, bsuid, parent_bsuid) IS NOT NULL`);

  it('erases the person where the merge put them', async () => {
    await t.postMo(mo(B, { whatsappUserId: B }, 'o-1', '2026-06-01T09:00:00Z')).expect(200); // older, BSUID only
    await t.postMo(mo(M, null, 'f-1', '2026-06-01T10:00:00Z')).expect(200); // younger, phone only: merged away below
    const held = (lock = await holdRowLock(process.env.DATABASE_URL, await idOf('msisdn', M)));

    const webhook = t.postMo(mo(M, { whatsappUserId: B }, 'm-1', '2026-06-01T11:00:00Z')).then((res) => res);
    await held.waitForWaiters(1);
    const erase = http.erase(M).then((res) => res);
    await held.waitForWaiters(2);
    await held.release();
    const [merged, erased] = await Promise.all([webhook, erase]);

    expect(merged.status).toBe(200);
    expect(erased.status).toBe(200);
    expect(erased.body.identifiers.map((identifier: { field: string }) => identifier.field).sort()).toEqual(['bsuid', 'msisdn']);
    expect((await http.get(M)).status).toBe(404);
    expect((await http.get(B)).status).toBe(404);
    expect(await t.dataSource.query('SELECT id FROM contact')).toEqual([]);
  });

  it('refuses to accept a claim once a merge changed the link it was about, and leaves no merged contact holding it', async () => {
    await t.postMo(mo(MZ, null, 'z-1', '2026-06-01T08:00:00Z')).expect(200); // oldest, phone only: the survivor
    await t.postMo(mo(B, { whatsappUserId: B }, 'o-1', '2026-06-01T09:00:00Z')).expect(200); // BSUID only
    await t.postMo(mo(MF, null, 'f-1', '2026-06-01T10:00:00Z')).expect(200); // holds the claimed phone
    const bsuidContact = await idOf('bsuid', B);
    expect((await http.importContacts([{ msisdn: MF, bsuid: B }])).body).toMatchObject({ conflicts: 1 });
    const [conflict] = await t.dataSource.query('SELECT id, contact_id AS "contactId" FROM link_conflict');
    expect(conflict.contactId).toBe(bsuidContact);
    const held = (lock = await holdRowLock(process.env.DATABASE_URL, bsuidContact));

    const webhook = t.postMo(mo(MZ, { whatsappUserId: B }, 'm-1', '2026-06-01T11:00:00Z')).then((res) => res); // merges it into the oldest
    await held.waitForWaiters(1);
    const settle = http.settle(String(conflict.id), { resolution: 'accept' }).then((res) => res);
    await held.waitForWaiters(2);
    await held.release();
    const [merged, settled] = await Promise.all([webhook, settle]);

    expect(merged.status).toBe(200);
    expect(settled.status).toBe(409);
    expect(settled.body.resultCode).toBe(112909);
    expect(await mergedHoldingIdentifiers()).toEqual([]);
    expect((await http.get(MZ)).body).toMatchObject({ msisdn: MZ, bsuid: B });
    expect((await http.get(MF)).body).toMatchObject({ msisdn: MF, bsuid: null });
    expect(await t.dataSource.query('SELECT status FROM link_conflict')).toEqual([{ status: 'open' }]);
  });
});
