// DLRs tied to the send they report on: the proxy keeps messageId → portfolio, business number,
// contact and identifier sent as; a DLR is attributed by its messageId before its platform fields.
import request from 'supertest';
import { LinkProxyService } from '../../src/dispatch/link-proxy.service';
import { RetentionService } from '../../src/sent-messages/retention.service';
import { api } from '../support/api';
import { settledSnapshot } from '../support/db-snapshot';
import { FakeLink, startFakeLink } from '../support/fake-link';
import { messageRequest, mo, sendMo } from '../support/link-builders';
import { ACME, ACME_NUMBER, GLOBEX_NUMBER, resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, fixture, KEYS, TestApp } from '../support/test-app';

const M = '+46701234567';
const B = 'SE.13491208655302741918';
const P = 'SE.ENT.11815799212886844830';
const UNKNOWN = '+46705550000';
const SECOND_NUMBER = '+46000000009';
const SENDER = { name: 'acme-sender', secret: KEYS.sender };
/** Reaches every portfolio: globex sends with it. */
const ADMIN = { name: 'admin', secret: KEYS.admin };

/** A document's DLR example with `messageId`, without LINK's platform fields (as example #4 comes). */
function documentDlr(name: string, messageId: string, changes: Record<string, unknown> = {}): Record<string, any> {
  const dlr = fixture(name);
  const { platformId: _, platformPartnerId: __, ...parameters } = dlr.customParameters ?? {};
  return {
    ...dlr,
    messageId,
    timestamp: soon(),
    ...changes,
    customParameters: { ...parameters, ...((changes.customParameters as object) ?? {}) },
  };
}

/** A DLR time after the send, which records its outbound exchange at the moment LINK answered. */
const soon = () => new Date(Date.now() + 60_000).toISOString();

describe('DLR attribution', () => {
  let t: TestApp;
  let link: FakeLink;
  let contactM: string;
  beforeAll(async () => {
    link = await startFakeLink();
    t = await createTestApp({ linkBaseUrl: link.baseUrl, linkUsername: 'link-user', linkPassword: 'link-pass' });
  });
  beforeEach(async () => {
    link.reset();
    await resetWithAcmeAndGlobex(t);
    contactM = await sendMo(t, mo(M, null, 'm-1', '2026-06-01T10:00:00Z'));
  });
  afterAll(async () => {
    await t.close();
    await link.close();
  });

  const { get, erase } = api(() => t);
  /** Sends through the proxy with LINK answering `ids`; the answer does not wait for the send's record. */
  async function sendOnly(body: Record<string, unknown>, ids: string[], key: { name: string; secret: string } = SENDER) {
    link.enqueue({ status: 200, body: { resultCode: 112001, description: 'queued', messageIds: ids } });
    const res = await request(t.http).post('/link/messages').auth(key.name, key.secret).send(body);
    expect(res.status).toBe(200);
    return res;
  }
  /** As `sendOnly`, then waits until the send is recorded. */
  async function send(body: Record<string, unknown>, ids: string[], key: { name: string; secret: string } = SENDER) {
    const res = await sendOnly(body, ids, key);
    await settledSnapshot(t.dataSource);
    return res;
  }
  /** Runs `body` while each send's record takes 300 ms to write, as on a busy database. */
  async function withSlowRecords(body: () => Promise<void>) {
    await t.dataSource.query(
      `CREATE FUNCTION slow_sent() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.3); RETURN NEW; END $$`,
    );
    await t.dataSource.query(`CREATE TRIGGER slow_sent BEFORE INSERT ON sent_message FOR EACH STATEMENT EXECUTE FUNCTION slow_sent()`);
    try {
      await body();
    } finally {
      await t.app.get(LinkProxyService).whenIdle();
      await t.dataSource.query(`DROP TRIGGER slow_sent ON sent_message`);
      await t.dataSource.query(`DROP FUNCTION slow_sent()`);
    }
  }
  const sentRows = () =>
    t.dataSource.query(
      `SELECT message_id AS "messageId", portfolio, business_number AS "businessNumber", contact_id AS "contactId",
              sent_as_kind AS "sentAsKind", sent_as AS "sentAs"
       FROM sent_message ORDER BY message_id`,
    );
  const exchanges = () =>
    t.dataSource.query(
      `SELECT contact_id AS "contactId", business_number AS "businessNumber", last_outbound_at AS "lastOutboundAt"
       FROM contact_exchange WHERE last_outbound_at IS NOT NULL ORDER BY business_number`,
    );

  it('keeps each destination sent with its messageId, business number, contact and the identifier it went to', async () => {
    await sendMo(t, mo(M, { whatsappUserId: B }, 'm-2', '2026-06-02T10:00:00Z'));
    const res = await send({ ...messageRequest([B, M, UNKNOWN, 'nope']), source: '0046 000 000 000' }, ['id-M', 'id-U']);
    expect(res.body.messageIds).toEqual(['id-M', 'id-M', 'id-U', null]);
    expect(await sentRows()).toEqual([
      { messageId: 'id-M', portfolio: 'acme', businessNumber: ACME_NUMBER, contactId: contactM, sentAsKind: 'msisdn', sentAs: M },
      // A send creates nobody: the book did not know this number.
      { messageId: 'id-U', portfolio: 'acme', businessNumber: ACME_NUMBER, contactId: null, sentAsKind: 'msisdn', sentAs: UNKNOWN },
    ]);
  });

  it('answers a send whose record cannot be kept as LINK answered, and still records its outbound exchange', async () => {
    await t.dataSource.query(
      `CREATE FUNCTION refuse_sent() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`,
    );
    await t.dataSource.query(`CREATE TRIGGER refuse_sent BEFORE INSERT ON sent_message FOR EACH ROW EXECUTE FUNCTION refuse_sent()`);
    try {
      const res = await send(messageRequest([M]), ['id-M']);
      expect(res.body).toMatchObject({ resultCode: 112001, messageIds: ['id-M'] });
    } finally {
      await t.dataSource.query(`DROP TRIGGER refuse_sent ON sent_message`);
      await t.dataSource.query(`DROP FUNCTION refuse_sent()`);
    }
    expect(await sentRows()).toEqual([]);
    expect(await exchanges()).toEqual([{ contactId: contactM, businessNumber: ACME_NUMBER, lastOutboundAt: expect.any(Date) }]);
  });

  it("files the document's failed DLR under the portfolio that sent it, and 112404 without a recipient marks the contact sent to invalid", async () => {
    await send(messageRequest([M]), ['id-M']);
    const invalid = documentDlr('dlr-04-failed-meta', 'id-M', { resultCode: 112404, resultDescription: 'Invalid contact.' });
    delete invalid.customParameters.whatsappUserId;

    const res = await t.postDlr(invalid);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'applied', portfolio: 'acme', contactIds: [contactM] });
    expect((await get(M)).body).toMatchObject({ id: contactM, msisdn: M, bsuid: null, status: 'invalid' });
    const [row] = await t.dataSource.query(`SELECT invalid_at AS "invalidAt" FROM contact WHERE id = $1`, [contactM]);
    expect(row.invalidAt).toEqual(new Date(invalid.timestamp));
    expect(await t.contactsOf('default')).toEqual([]);
  });

  it('records the outbound exchange of a sent DLR under the business number the message went from', async () => {
    await t.putPortfolio('acme', { ...ACME, businessNumbers: [ACME_NUMBER, SECOND_NUMBER] });
    await send(messageRequest([M], SECOND_NUMBER), ['id-M']);
    const sent = documentDlr('dlr-01-sent-msisdn', 'id-M');

    const res = await t.postDlr(sent);
    expect(res.body).toEqual({ status: 'applied', portfolio: 'acme', contactIds: [contactM] });
    expect(await exchanges()).toEqual([{ contactId: contactM, businessNumber: SECOND_NUMBER, lastOutboundAt: new Date(sent.timestamp) }]);
    expect((await get(M)).body).toMatchObject({ lastOutboundAt: new Date(sent.timestamp).toISOString() });
  });

  it('links the BSUID and parent BSUID a sent DLR carries to the contact the message was sent to by phone', async () => {
    await send(messageRequest([M]), ['id-M']);
    const res = await t.postDlr(documentDlr('dlr-03-sent-bsuid-only', 'id-M'));
    expect(res.body).toEqual({ status: 'applied', portfolio: 'acme', contactIds: [contactM] });
    expect(await t.contactsOf('acme')).toEqual([{ id: contactM, msisdn: M, bsuid: B, parentBsuid: P }]);
    const linked = await t.dataSource.query(
      `SELECT field, to_value AS "toValue", strength, evidence->>'kind' AS kind, evidence->>'messageId' AS "messageId"
       FROM link_history WHERE contact_id = $1 AND action = 'linked' AND evidence->>'kind' = 'DLR' ORDER BY field`,
      [contactM],
    );
    expect(linked).toEqual([
      { field: 'bsuid', toValue: B, strength: 'attested', kind: 'DLR', messageId: 'id-M' },
      { field: 'parentBsuid', toValue: P, strength: 'attested', kind: 'DLR', messageId: 'id-M' },
    ]);
  });

  it('learns the number a message was sent to from a sent DLR that names nobody', async () => {
    await send(messageRequest([UNKNOWN]), ['id-U']);
    expect(await t.contactsOf('acme')).toHaveLength(1);

    const res = await t.postDlr(documentDlr('dlr-01-sent-msisdn', 'id-U'));
    expect(res.body).toEqual({ status: 'applied', portfolio: 'acme', contactIds: [expect.any(String)] });
    expect(await t.contactsOf('acme')).toEqual([
      expect.objectContaining({ id: contactM }),
      { id: res.body.contactIds[0], msisdn: UNKNOWN, bsuid: null, parentBsuid: null },
    ]);
    expect(await exchanges()).toEqual([
      { contactId: res.body.contactIds[0], businessNumber: ACME_NUMBER, lastOutboundAt: expect.any(Date) },
    ]);
  });

  it('never links on a failed DLR of a sent message', async () => {
    await send(messageRequest([M]), ['id-M']);
    const res = await t.postDlr(documentDlr('dlr-04-failed-meta', 'id-M'));
    expect(res.body).toEqual({ status: 'applied', portfolio: 'acme', contactIds: [contactM] });
    expect(await t.contactsOf('acme')).toEqual([{ id: contactM, msisdn: M, bsuid: null, parentBsuid: null }]);
    expect((await get(M)).body).toMatchObject({ status: 'active' });
  });

  it('keeps the behaviour of a DLR for a message it did not send, by platform fields, else default', async () => {
    await send(messageRequest([M]), ['id-M']);
    const byPlatform = await t.postDlr({ ...fixture('dlr-03-sent-bsuid-only'), messageId: 'not-ours' });
    expect(byPlatform.body).toEqual({ status: 'applied', portfolio: 'acme', contactIds: [expect.any(String)] });
    // Not the contact the other message went to: nothing ties this BSUID to that phone.
    expect(await t.contactsOf('acme')).toEqual([
      { id: byPlatform.body.contactIds[0], msisdn: null, bsuid: B, parentBsuid: P },
      { id: contactM, msisdn: M, bsuid: null, parentBsuid: null },
    ]);
    const byDefault = await t.postDlr({ ...fixture('dlr-04-failed-meta'), resultCode: 112404 });
    expect(byDefault.body).toEqual({ status: 'applied', portfolio: 'default', contactIds: [] });

    await t.postDlr(documentDlr('dlr-01-sent-msisdn', 'id-M')).expect(200);
    const metrics = await request(t.http).get('/metrics').auth(KEYS.metrics, { type: 'bearer' });
    for (const by of ['messageId', 'platform', 'default']) {
      expect(metrics.text).toMatch(new RegExp(`^contact_book_dlr_attribution_total\\{by="${by}"\\} [1-9]`, 'm'));
    }
  });

  it('checks the key against the portfolio that sent, whatever the platform fields say', async () => {
    await send(messageRequest([M], GLOBEX_NUMBER, { platformId: 'TEST_GX', platformPartnerId: '2' }), ['id-G'], ADMIN);
    expect(await sentRows()).toEqual([expect.objectContaining({ messageId: 'id-G', portfolio: 'globex', businessNumber: GLOBEX_NUMBER })]);
    // acme's platform fields, posted with a key of acme's: the message was globex's.
    const dlr = { ...fixture('dlr-01-sent-msisdn'), messageId: 'id-G' };
    const acmeKey = `Basic ${Buffer.from(`acme-link:${KEYS.acmeWebhook}`).toString('base64')}`;
    const refused = await request(t.http).post('/webhooks/link/dlr').set('Authorization', acmeKey).send(dlr);
    expect(refused.status).toBe(403);
    expect(await t.contactsOf('globex')).toEqual([]);

    const res = await t.postDlr(dlr);
    expect(res.body).toEqual({ status: 'applied', portfolio: 'globex', contactIds: [expect.any(String)] });
    expect(await t.contactsOf('globex')).toEqual([{ id: res.body.contactIds[0], msisdn: M, bsuid: null, parentBsuid: null }]);
    expect(await t.contactsOf('acme')).toEqual([{ id: contactM, msisdn: M, bsuid: null, parentBsuid: null }]);
  });

  it('attributes a DLR posted the moment the proxy answered to that send, though the answer did not wait for its record', async () => {
    const ids = ['id-now-1', 'id-now-2'];
    const outcomes: string[] = [];
    await withSlowRecords(async () => {
      for (const id of ids) {
        await sendOnly(messageRequest([M], GLOBEX_NUMBER, { platformId: 'TEST_GX', platformPartnerId: '2' }), [id], ADMIN);
        // acme's platform fields: only the send's record says the message was globex's.
        outcomes.push((await t.postDlr({ ...fixture('dlr-01-sent-msisdn'), messageId: id })).body.portfolio);
      }
    });
    expect(outcomes).toEqual(ids.map(() => 'globex'));
  });

  it('counts the sends still being recorded in /metrics, back to none once written', async () => {
    const pending = async () =>
      /^contact_book_proxy_records_pending (\d+)$/m.exec(
        (await request(t.http).get('/metrics').auth(KEYS.metrics, { type: 'bearer' })).text,
      )?.[1];
    await withSlowRecords(async () => {
      await sendOnly(messageRequest([M]), ['id-slow']);
      // The record takes 300 ms on PostgreSQL. The embedded database runs in this process: its
      // sleep holds the event loop, so the record is written before the scrape is read.
      expect(await pending()).toBe(t.config.databaseUrl ? '1' : '0');
    });
    expect(await pending()).toBe('0');
  });

  describe('retention', () => {
    const retention = () => t.app.get(RetentionService);
    const keys = async (sql: string) => (await t.dataSource.query(sql)).map((row: { key: string }) => row.key);

    it('prunes sent messages and webhook receipts older than RETENTION_DAYS in batches, and keeps the newer ones', async () => {
      await send(messageRequest([M, UNKNOWN]), ['id-old', 'id-recent']);
      await sendMo(t, mo(M, null, 'm-old', '2026-06-01T11:00:00Z'));
      await t.dataSource.query(`UPDATE sent_message SET sent_at = now() - interval '31 days' WHERE message_id = 'id-old'`);
      await t.dataSource.query(`UPDATE sent_message SET sent_at = now() - interval '29 days' WHERE message_id = 'id-recent'`);
      await t.dataSource.query(`UPDATE webhook_receipt SET received_at = now() - interval '31 days' WHERE key = 'mo:m-old'`);
      await t.dataSource.query(`UPDATE webhook_receipt SET received_at = now() - interval '29 days' WHERE key = 'mo:m-1'`);
      // More than one batch of old receipts.
      await t.dataSource.query(
        `INSERT INTO webhook_receipt (portfolio, key, received_at) SELECT 'acme', 'dlr:old-' || n, now() - interval '40 days' FROM generate_series(1, 2500) AS n`,
      );
      const receiptsBefore = await keys(`SELECT key FROM webhook_receipt WHERE received_at > now() - interval '30 days' ORDER BY key`);

      await expect(retention().prune()).resolves.toEqual({ sent_message: 1, webhook_receipt: 2501 });
      expect(await sentRows()).toEqual([expect.objectContaining({ messageId: 'id-recent' })]);
      expect(await keys(`SELECT key FROM webhook_receipt ORDER BY key`)).toEqual(receiptsBefore);
      expect(receiptsBefore).toContain('mo:m-1');
      await expect(retention().prune()).resolves.toEqual({ sent_message: 0, webhook_receipt: 0 });

      // A DLR of a message pruned goes by its platform fields again.
      const late = await t.postDlr(documentDlr('dlr-01-sent-msisdn', 'id-old'));
      expect(late.body).toEqual({ status: 'ignored', portfolio: 'default', contactIds: [] });
      const kept = await t.postDlr(documentDlr('dlr-01-sent-msisdn', 'id-recent'));
      expect(kept.body).toEqual({ status: 'applied', portfolio: 'acme', contactIds: [expect.any(String)] });
    });
  });

  describe('erasure', () => {
    it("deletes the messages sent to the person, by contact and by an identifier that was theirs, and no one else's", async () => {
      await send(messageRequest([M, UNKNOWN, '+46705550001']), ['id-M', 'id-U', 'id-other']);
      // The book learns UNKNOWN after the send: its row names no contact.
      await sendMo(t, mo(UNKNOWN, null, 'm-u', '2026-06-02T10:00:00Z'));

      await erase(M).expect(200);
      expect((await sentRows()).map((row: { messageId: string }) => row.messageId)).toEqual(['id-U', 'id-other']);
      await erase(UNKNOWN).expect(200);
      expect((await sentRows()).map((row: { messageId: string }) => row.messageId)).toEqual(['id-other']);
    });

    it('deletes a message sent to the person just before, whose record the answer did not wait for', async () => {
      await withSlowRecords(async () => {
        await sendOnly(messageRequest([M, UNKNOWN]), ['id-M', 'id-U']);
        await erase(M).expect(200);
      });
      expect((await sentRows()).map((row: { messageId: string }) => row.messageId)).toEqual(['id-U']);
    });
  });
});
