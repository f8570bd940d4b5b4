import { Client } from 'pg';
import request from 'supertest';
import { EventsRetentionService } from '../../src/events/events-retention.service';
import { api } from '../support/api';
import { noAccess, validation } from '../support/expected-errors';
import { acmeDlr, mo, sendMo } from '../support/link-builders';
import { resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

const PHONE = '+46701234567';
const B1 = 'SE.13491208655302741918';
const B2 = 'SE.22222222222222222222';

describe('GET /v1/portfolios/:portfolio/events', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  beforeEach(() => resetWithAcmeAndGlobex(t));
  afterAll(() => t.close());

  const { erase } = api(() => t);
  const read = (query = '', secret: string = KEYS.crm, portfolio = 'acme') =>
    request(t.http).get(`/v1/portfolios/${portfolio}/events${query}`).auth(secret, { type: 'bearer' });
  const all = async () => {
    const res = await read('?limit=1000');
    expect(res.status).toBe(200);
    return res.body.items as Record<string, unknown>[];
  };
  const brief = (items: Record<string, unknown>[]) => items.map((e) => [e.type, e.contactId, e.otherContactId, e.field, e.value]);

  it('answers a new contact as created, then each identifier linked, with the evidence, to a read key', async () => {
    const id = await sendMo(t, mo(PHONE, { whatsappUserId: B1 }, 'm-1', '2026-06-01T10:00:00Z'));

    const res = await read();
    expect(res.status).toBe(200);
    const event = (type: string, field: string | null, value: string | null) => ({
      id: expect.stringMatching(/^evt_\d+$/),
      type,
      portfolio: 'acme',
      cursor: expect.stringMatching(/^\d+\.\d+$/),
      contactId: id,
      otherContactId: null,
      field,
      value,
      evidence: { kind: 'MO', messageId: 'm-1', businessNumber: '+46000000000' },
      occurredAt: '2026-06-01T10:00:00.000Z',
      recordedAt: expect.any(String),
    });
    expect(res.body).toEqual({
      items: [event('contact.created', null, null), event('contact.linked', 'bsuid', B1), event('contact.linked', 'msisdn', PHONE)],
      nextCursor: res.body.items[2].cursor,
    });
  });

  it('tells a relink from the contact the phone left to the one it moved to, once', async () => {
    const first = await sendMo(t, mo(PHONE, { whatsappUserId: B1 }, 'm-1', '2026-06-01T10:00:00Z'));
    const second = await sendMo(t, mo(PHONE, { whatsappUserId: B2 }, 'm-2', '2026-06-02T10:00:00Z'));

    expect(brief((await all()).slice(3))).toEqual([
      ['contact.created', second, null, null, null],
      ['contact.linked', second, null, 'bsuid', B2],
      ['contact.relinked', first, second, 'msisdn', PHONE],
    ]);
  });

  it('tells a merge: the survivor, the merged id, and what moved', async () => {
    const byPhone = await sendMo(t, mo(PHONE, null, 'm-1', '2026-06-01T10:00:00Z'));
    const byBsuid = await sendMo(t, mo(B1, null, 'm-2', '2026-06-01T11:00:00Z'));
    await t.postMo(mo(PHONE, { whatsappUserId: B1 }, 'm-3', '2026-06-01T12:00:00Z')).expect(200);

    expect(brief((await all()).slice(4))).toEqual([
      ['contact.merged', byPhone, byBsuid, null, null],
      ['contact.relinked', byBsuid, byPhone, 'bsuid', B1],
    ]);
  });

  it('tells a contact turning invalid (112404) once, not again while it stays invalid', async () => {
    const id = await sendMo(t, mo(PHONE, { whatsappUserId: B1 }, 'm-1', '2026-06-01T10:00:00Z'));
    await t.postDlr(acmeDlr(112404, { whatsappUserId: B1 }, 'd-1', '2026-06-02T10:00:00Z')).expect(200);
    await t.postDlr(acmeDlr(112404, { whatsappUserId: B1 }, 'd-2', '2026-06-03T10:00:00Z')).expect(200);

    const invalid = (await all()).filter((e) => e.type === 'contact.invalid');
    expect(invalid).toEqual([
      expect.objectContaining({ contactId: id, evidence: { kind: 'DLR', resultCode: 112404 }, occurredAt: '2026-06-02T10:00:00.000Z' }),
    ]);
  });

  it('pages forward from a cursor, and answers the same cursor again when nothing is newer', async () => {
    await sendMo(t, mo(PHONE, { whatsappUserId: B1 }, 'm-1', '2026-06-01T10:00:00Z'));
    const first = await read('?limit=2');
    expect(first.body.items.map((e: { type: string }) => e.type)).toEqual(['contact.created', 'contact.linked']);
    const second = await read(`?limit=2&after=${first.body.nextCursor}`);
    expect(second.body.items).toEqual([expect.objectContaining({ type: 'contact.linked', value: PHONE })]);
    const third = await read(`?limit=2&after=${second.body.nextCursor}`);
    expect(third.body).toEqual({ items: [], nextCursor: second.body.nextCursor });

    await sendMo(t, mo(B2, null, 'm-2', '2026-06-01T11:00:00Z'));
    const fourth = await read(`?after=${third.body.nextCursor}`);
    expect(fourth.body.items.map((e: { type: string; value: string | null }) => [e.type, e.value])).toEqual([
      ['contact.created', null],
      ['contact.linked', B2],
    ]);
  });

  it('keeps an erased person out of every event, and announces the erasure by ids only', async () => {
    const first = await sendMo(t, mo(PHONE, { whatsappUserId: B1 }, 'm-1', '2026-06-01T10:00:00Z'));
    const other = await sendMo(t, mo('+46709999999', null, 'm-2', '2026-06-01T11:00:00Z'));
    await erase(PHONE).expect(200);

    const items = await all();
    expect(JSON.stringify(items)).not.toContain(PHONE);
    expect(JSON.stringify(items)).not.toContain(B1);
    expect(JSON.stringify(items)).toContain('+46709999999');
    expect(brief(items)).toEqual([
      ['contact.created', first, null, null, null],
      ['contact.linked', first, null, 'bsuid', null],
      ['contact.linked', first, null, 'msisdn', null],
      ['contact.created', other, null, null, null],
      ['contact.linked', other, null, 'msisdn', '+46709999999'],
      ['contact.erased', first, null, null, null],
    ]);
    expect(items[5].evidence).toEqual({ kind: 'ADMIN' });
    const stored = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM identity_event WHERE row_to_json(identity_event)::text LIKE $1`,
      [`%${PHONE}%`],
    );
    expect(stored).toEqual([{ n: 0 }]);
  });

  it("orders an erasure after the contacts' latest events, even when their order is ahead of the erasing transaction", async () => {
    const id = await sendMo(t, mo(PHONE, { whatsappUserId: B1 }, 'm-1', '2026-06-01T10:00:00Z'));
    // As a writer leaves it that committed while the erasure waited for the contact's lock, with an
    // order taken from a newer contact: the contact and its last event carry an order ahead of now.
    const [{ ahead }] = await t.dataSource.query<{ ahead: string }[]>(
      `SELECT (pg_current_xact_id()::text::bigint + 1000000)::text AS ahead`,
    );
    await t.dataSource.query(`UPDATE contact SET event_tx = $1 WHERE id = $2`, [ahead, id]);
    await t.dataSource.query(`UPDATE identity_event SET tx = $1 WHERE id = (SELECT max(id) FROM identity_event)`, [ahead]);
    await erase(PHONE).expect(200);

    // Read straight from the table: rows ordered ahead of every running transaction are not settled yet.
    const rows = await t.dataSource.query<{ type: string; tx: string }[]>(
      `SELECT type, tx::text AS tx FROM identity_event e ORDER BY e.tx, e.id`,
    );
    expect(rows.map((row) => row.type)).toEqual(['contact.created', 'contact.linked', 'contact.linked', 'contact.erased']);
    expect(BigInt(rows[3].tx)).toBeGreaterThanOrEqual(BigInt(ahead));
    // An order ahead of the transaction ids stops delivery at the next start (README): none is left behind.
    await t.dataSource.query(`DELETE FROM identity_event`);
  });

  it('writes nothing for a webhook delivered again', async () => {
    await sendMo(t, mo(PHONE, { whatsappUserId: B1 }, 'm-1', '2026-06-01T10:00:00Z'));
    await t.postMo(mo(PHONE, { whatsappUserId: B1 }, 'm-1', '2026-06-01T10:00:00Z')).expect(200);
    await sendMo(t, mo(PHONE, { whatsappUserId: B1 }, 'm-3', '2026-06-01T12:00:00Z'));
    expect(await all()).toHaveLength(3);
  });

  it('refuses a cursor it did not write, and shows another portfolio nothing', async () => {
    await sendMo(t, mo(PHONE, { whatsappUserId: B1 }, 'm-1', '2026-06-01T10:00:00Z'));
    for (const after of ['abc', '1', '1.2.3', '99999999999999999999.1']) {
      const res = await read(`?after=${after}`);
      expect({ after, status: res.status, body: res.body }).toEqual({ after, status: 400, body: validation('after') });
    }
    expect((await read('?limit=0')).status).toBe(400);
    const globex = await read('', KEYS.crm, 'globex');
    expect(globex.status).toBe(403);
    expect(globex.body).toEqual(noAccess);
    expect((await read('', KEYS.admin, 'globex')).body).toEqual({ items: [], nextCursor: '0.0' });
  });

  it('prunes events older than the retention with their deliveries, and keeps the rest', async () => {
    await sendMo(t, mo(PHONE, { whatsappUserId: B1 }, 'm-1', '2026-06-01T10:00:00Z'));
    await request(t.http)
      .put('/v1/portfolios/acme/subscriptions/crm')
      .auth(KEYS.admin, { type: 'bearer' })
      .send({ url: 'https://crm.example.com/hooks' })
      .expect(201);
    const [old] = await t.dataSource.query<{ id: string; tx: string }[]>(
      `INSERT INTO identity_event (portfolio, tx, type, contact_id, evidence, event_at, recorded_at)
       VALUES ('acme', 1, 'contact.created', gen_random_uuid(), '{"kind":"MO"}', now(), now() - interval '31 days')
       RETURNING id::text, tx::text`,
    );
    await t.dataSource.query(
      `INSERT INTO event_delivery (portfolio, subscription, event_id, event_tx, contact_id, status) VALUES ('acme', 'crm', $1, $2, gen_random_uuid(), 'failed')`,
      [old.id, old.tx],
    );

    await expect(t.app.get(EventsRetentionService).prune()).resolves.toBe(1);
    expect(await t.dataSource.query('SELECT count(*)::int AS n FROM event_delivery')).toEqual([{ n: 0 }]);
    expect((await all()).map((e) => e.id)).not.toContain(`evt_${old.id}`);
    expect(await all()).toHaveLength(3);
  });

  it('refuses a subscription to an internal address or over plain http unless configured to allow it', async () => {
    for (const [url, message] of [
      ['https://127.0.0.1:3421/hooks', 'must not point to a loopback, private or link-local address'],
      ['https://[::1]/hooks', 'must not point to a loopback, private or link-local address'],
      ['https://10.0.0.8/hooks', 'must not point to a loopback, private or link-local address'],
      ['http://crm.example.com/hooks', 'must be an https URL'],
    ]) {
      const res = await request(t.http).put('/v1/portfolios/acme/subscriptions/crm').auth(KEYS.admin, { type: 'bearer' }).send({ url });
      expect({ url, status: res.status, body: res.body }).toEqual({
        url,
        status: 400,
        body: { ...validation('url'), fields: [{ field: 'url', message }] },
      });
    }
    expect(await t.dataSource.query('SELECT name FROM event_subscription')).toEqual([]);
  });

  // A transaction that began before the next webhook and commits after it: its event sorts before
  // the webhook's, so a reader shown the webhook's first would move its cursor past it for good.
  // PGlite has one connection: there the transaction simply commits first, and the walk must find
  // the same events in the same order.
  it('shows no event until every older transaction has ended, so a reader going forward skips none', async () => {
    const early = await sendMo(t, mo(PHONE, null, 'm-0', '2026-06-01T09:00:00Z'));
    const before = await all();
    const open = await openTransactionWithEvent(early);
    try {
      await sendMo(t, mo(B2, null, 'm-1', '2026-06-01T10:00:00Z'));
      const during = await read(`?after=${String(before[before.length - 1].cursor)}`);
      expect(during.status).toBe(200);
      await open.commit();
      const after = await read(`?after=${during.body.nextCursor}`);
      const walked = [...during.body.items, ...after.body.items] as { type: string; value: string | null }[];
      expect(walked.map((e) => [e.type, e.value])).toEqual([
        ['contact.created', null],
        ['contact.created', null],
        ['contact.linked', B2],
      ]);
      if (process.env.DATABASE_URL) expect(during.body.items).toEqual([]);
    } finally {
      await open.commit();
    }
  });

  /** An event written by a transaction of its own connection, left open until `commit` (on PGlite, committed at once). */
  async function openTransactionWithEvent(contactId: string): Promise<{ commit: () => Promise<void> }> {
    const insert = `INSERT INTO identity_event (portfolio, tx, type, contact_id, evidence, event_at)
       VALUES ('acme', pg_current_xact_id()::text::bigint, 'contact.created', $1, '{"kind":"ADMIN"}', now())`;
    if (!process.env.DATABASE_URL) {
      await t.dataSource.query(insert, [contactId]);
      return { commit: async () => undefined };
    }
    const slow = new Client({ connectionString: process.env.DATABASE_URL });
    await slow.connect();
    await slow.query('BEGIN');
    await slow.query(insert, [contactId]);
    let open = true;
    return {
      async commit() {
        if (!open) return;
        open = false;
        await slow.query('COMMIT');
        await slow.end();
      },
    };
  }
});
