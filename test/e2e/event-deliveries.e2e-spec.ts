import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { EventsConfig } from '../../src/config/app-config';
import { verify } from '../../src/events/domain/signature';
import { DeliveryWorker } from '../../src/events/delivery.worker';
import { EventsRepository } from '../../src/events/events.repository';
import { MetricsService } from '../../src/observability/metrics.service';
import { api } from '../support/api';
import { notFound, validation } from '../support/expected-errors';
import { CrmDelivery, eventually, FakeCrm, startFakeCrm } from '../support/fake-crm';
import { acmeDlr, mo, sendMo } from '../support/link-builders';
import { resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

const PHONE = '+46701234567';
const B1 = 'SE.13491208655302741918';
const PARENT = 'SE.ENT.11815799212886844830';
const B2 = 'SE.22222222222222222222';

/** Fast passes and retries, and the fake CRM on 127.0.0.1 allowed. */
const EVENTS: EventsConfig = {
  retentionDays: 30,
  allowPrivate: true,
  allowHttp: true,
  deliver: true,
  pollMs: 50,
  timeoutMs: 1_000,
  retry: { baseMs: 50, maxMs: 200, giveUpAfterMs: 600_000 },
};

/** Creates a subscription of acme: 201, with its secret. */
async function putSubscription(app: TestApp, name: string, body: Record<string, unknown>): Promise<{ secret: string }> {
  const res = await request(app.http).put(`/v1/portfolios/acme/subscriptions/${name}`).auth(KEYS.admin, { type: 'bearer' }).send(body);
  expect(res.status).toBe(201);
  return res.body as { secret: string };
}

describe('event subscriptions and deliveries', () => {
  let t: TestApp;
  let crm: FakeCrm;
  beforeAll(async () => {
    crm = await startFakeCrm();
    t = await createTestApp({ events: EVENTS });
  });
  beforeEach(async () => {
    await resetWithAcmeAndGlobex(t);
    crm.reset();
  });
  afterAll(async () => {
    await t?.close();
    await crm.close();
  });

  const subscriptions = () => `/v1/portfolios/acme/subscriptions`;
  const subscribe = (body: Record<string, unknown> = {}, app: TestApp = t, name = 'crm') =>
    putSubscription(app, name, { url: crm.url, ...body });
  const deliveries = (query = '', app: TestApp = t) =>
    request(app.http).get(`${subscriptions()}/crm/deliveries${query}`).auth(KEYS.admin, { type: 'bearer' });
  const types = (received: CrmDelivery[]) => received.filter((d) => d.status < 300).map((d) => [d.body.type, d.body.value]);
  const delivered = (n: number) => (received: CrmDelivery[]) => received.filter((d) => d.status < 300).length >= n;

  it('creates a subscription with its secret once, and shows and deletes it as a client expects', async () => {
    const created = await subscribe({ types: ['contact.relinked', 'contact.merged'], identifiers: 'masked' });
    expect(created).toEqual({
      portfolio: 'acme',
      name: 'crm',
      url: crm.url,
      types: ['contact.relinked', 'contact.merged'],
      identifiers: 'masked',
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{32}$/),
      position: expect.stringMatching(/^\d+\.\d+$/),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const { secret, ...shown } = created as Record<string, unknown>;
    expect(secret).toBeDefined();
    const got = await request(t.http).get(`${subscriptions()}/crm`).auth(KEYS.admin, { type: 'bearer' });
    expect(got.body).toEqual(shown);

    const changed = await request(t.http).put(`${subscriptions()}/crm`).auth(KEYS.admin, { type: 'bearer' }).send({ url: crm.url });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({
      ...shown,
      types: expect.arrayContaining(['contact.created', 'contact.erased']),
      identifiers: 'full',
      updatedAt: expect.any(String),
    });
    expect((await request(t.http).get(subscriptions()).auth(KEYS.admin, { type: 'bearer' })).body.items).toHaveLength(1);

    await request(t.http).delete(`${subscriptions()}/crm`).auth(KEYS.admin, { type: 'bearer' }).expect(204);
    const gone = await request(t.http).get(`${subscriptions()}/crm`).auth(KEYS.admin, { type: 'bearer' });
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual(notFound);
  });

  it.each([
    ['a URL that is not one', { url: 'crm.example.com/hooks' }, 'url'],
    ['an ftp URL', { url: 'ftp://crm.example.com/hooks' }, 'url'],
    ['an unknown event type', { types: ['contact.renamed'] }, 'types'],
    ['no types at all', { types: [] }, 'types'],
    ['an unknown masking', { identifiers: 'some' }, 'identifiers'],
  ])('refuses %s with nothing written', async (_, body, field) => {
    const res = await request(t.http)
      .put(`${subscriptions()}/crm`)
      .auth(KEYS.admin, { type: 'bearer' })
      .send({ url: crm.url, ...body });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(validation(field));
    expect(await t.dataSource.query('SELECT name FROM event_subscription')).toEqual([]);
  });

  it('delivers each event signed as Standard Webhooks, verifiable with the secret it answered', async () => {
    const { secret } = await subscribe();
    const id = await sendMo(t, mo(PHONE, { whatsappUserId: B1 }, 'm-1', '2026-06-01T10:00:00Z'));

    const received = await crm.until(delivered(3));
    expect(types(received)).toEqual([
      ['contact.created', null],
      ['contact.linked', B1],
      ['contact.linked', PHONE],
    ]);
    const pulled = (await request(t.http).get('/v1/portfolios/acme/events').auth(KEYS.crm, { type: 'bearer' })).body.items;
    for (const [index, delivery] of received.entries()) {
      const { headers, raw } = delivery;
      expect(headers['webhook-id']).toBe(pulled[index].id);
      expect(headers['content-type']).toBe('application/json');
      expect(
        verify(secret, String(headers['webhook-id']), Number(headers['webhook-timestamp']), raw, String(headers['webhook-signature'])),
      ).toBe(true);
      expect(delivery.body).toEqual(pulled[index]);
    }
    expect(received[0].body).toEqual(expect.objectContaining({ contactId: id, portfolio: 'acme' }));
    expect((await deliveries('?status=delivered')).body.items).toHaveLength(3);
  });

  it('masks identifiers for a subscription that asks, and sends only the types it chose', async () => {
    await subscribe({ types: ['contact.linked'], identifiers: 'masked' });
    await sendMo(t, mo(PHONE, { whatsappUserId: B1 }, 'm-1', '2026-06-01T10:00:00Z'));
    const received = await crm.until(delivered(2));
    expect(types(received)).toEqual([
      ['contact.linked', 'SE.13****************18'],
      ['contact.linked', '+4670*****67'],
    ]);
    expect(received.map((d) => d.raw).join()).not.toContain(PHONE);
  });

  it("retries a 500 and a timeout with backoff, and holds a contact's later events back until the earlier one is in", async () => {
    await subscribe();
    crm.answer({ status: 500 }, { status: 503 }, { delayMs: 1_500 });
    await sendMo(t, mo(PHONE, { whatsappUserId: B1 }, 'm-1', '2026-06-01T10:00:00Z'));
    // The same contact again, with its parent BSUID: events of one contact only.
    await sendMo(t, mo(PHONE, { whatsappUserId: B1, whatsappParentUserId: PARENT }, 'm-2', '2026-06-02T10:00:00Z'));

    const received = await crm.until(delivered(4));
    // The first three tries were all the first event; the one that timed out was answered too late to count.
    expect(received.slice(0, 3).map((d) => [d.status, d.body.type])).toEqual([
      [500, 'contact.created'],
      [503, 'contact.created'],
      [204, 'contact.created'],
    ]);
    const pulled = (await request(t.http).get('/v1/portfolios/acme/events').auth(KEYS.crm, { type: 'bearer' })).body.items;
    expect(pulled.map((e: { type: string }) => e.type)).toEqual(['contact.created', 'contact.linked', 'contact.linked', 'contact.linked']);
    // The try that timed out reached the CRM too (at least once), but never out of order: each event
    // is first received after every earlier one was answered 2xx.
    await crm.until(delivered(5));
    const firstSeen = [...new Set(received.filter((d) => d.status < 300).map((d) => d.body.id))];
    expect(firstSeen).toEqual(pulled.map((e: { id: string }) => e.id));
    const first = (await deliveries()).body.items.find((d: { eventId: string }) => d.eventId === pulled[0].id);
    expect(first).toEqual(expect.objectContaining({ status: 'delivered', attempts: expect.any(Number), lastStatus: 204 }));
    expect(first.attempts).toBeGreaterThanOrEqual(4);
  });

  it('gives up on an endpoint that trickles its answer, retries it, and goes on delivering to the others', async () => {
    const other = await startFakeCrm();
    try {
      await subscribe();
      await subscribe({ url: other.url }, t, 'other');
      crm.answer(...Array.from({ length: 1_000 }, () => ({ trickle: true })));
      await sendMo(t, mo(PHONE, { whatsappUserId: B1 }, 'm-1', '2026-06-01T10:00:00Z'));

      // Three events of one contact: each pass sends one, so all three need passes that end.
      const received = await other.until(delivered(3));
      expect(types(received)).toEqual([
        ['contact.created', null],
        ['contact.linked', B1],
        ['contact.linked', PHONE],
      ]);
      await crm.until((trickled) => trickled.length >= 2);
      const first = await eventually(
        async () => (await deliveries()).body.items as { status: string; attempts: number; lastError: string | null }[],
        (items) => items.some((d) => d.attempts >= 2 && d.lastError !== null),
      );
      expect(first.filter((d) => d.lastError !== null)).toEqual([
        expect.objectContaining({ status: 'pending', lastStatus: null, lastError: `no answer within ${EVENTS.timeoutMs} ms` }),
      ]);
      // Only the first event was tried: the contact's later ones wait behind it.
      expect(new Set(crm.deliveries.map((d) => d.body.type))).toEqual(new Set(['contact.created']));
    } finally {
      await other.close();
    }
  });

  it("never sends an erased person's identifiers, not even in deliveries queued before the erasure", async () => {
    await subscribe();
    // The CRM is down while the person is learned and erased.
    crm.answer(...Array.from({ length: 1_000 }, () => ({ status: 500 })));
    const id = await sendMo(t, mo(PHONE, { whatsappUserId: B1 }, 'm-1', '2026-06-01T10:00:00Z'));
    await crm.until((received) => received.length >= 1);
    await api(() => t)
      .erase(PHONE)
      .expect(200);
    crm.reset();

    const received = await crm.until(delivered(4));
    expect(received.map((d) => d.raw).join()).not.toContain(PHONE);
    expect(received.map((d) => d.raw).join()).not.toContain(B1);
    expect(types(received)).toEqual([
      ['contact.created', null],
      ['contact.linked', null],
      ['contact.linked', null],
      ['contact.erased', null],
    ]);
    expect(received[3].body).toEqual(expect.objectContaining({ contactId: id, field: null, value: null, evidence: { kind: 'ADMIN' } }));
  });

  it('marks a delivery failed after the retry period, shows it, and sends it again on replay', async () => {
    await subscribe({ types: ['contact.created'] });
    crm.answer(...Array.from({ length: 1_000 }, () => ({ status: 500 })));
    await sendMo(t, mo(PHONE, null, 'm-1', '2026-06-01T10:00:00Z'));
    await crm.until((received) => received.length >= 1);
    // Queued longer ago than the retry period: the next failure is the last.
    await t.dataSource.query(`UPDATE event_delivery SET created_at = now() - interval '1 hour'`);
    const failed = await eventually(
      async () => (await deliveries('?status=failed')).body.items as { eventId: string }[],
      (items) => items.length === 1,
    );
    expect(failed).toEqual([
      {
        eventId: expect.stringMatching(/^evt_\d+$/),
        contactId: expect.any(String),
        status: 'failed',
        attempts: expect.any(Number),
        nextAttemptAt: null,
        lastStatus: 500,
        lastError: 'answered 500',
        queuedAt: expect.any(String),
        finishedAt: expect.any(String),
      },
    ]);

    crm.reset();
    const replayed = await request(t.http)
      .post(`${subscriptions()}/crm/deliveries/${failed[0].eventId}/replay`)
      .auth(KEYS.admin, { type: 'bearer' });
    expect(replayed.status).toBe(200);
    expect(replayed.body).toEqual(expect.objectContaining({ status: 'pending', attempts: 0, lastStatus: null }));
    const received = await crm.until(delivered(1));
    expect(received[0].headers['webhook-id']).toBe(failed[0].eventId);
    await eventually(
      async () => (await deliveries('?status=delivered')).body.items,
      (items: unknown[]) => items.length === 1,
    );

    const missing = await request(t.http).post(`${subscriptions()}/crm/deliveries/evt_999999/replay`).auth(KEYS.admin, { type: 'bearer' });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(notFound);
  });

  it('never lets two workers send one delivery at once', async () => {
    await subscribe();
    crm.answer(...Array.from({ length: 50 }, () => ({ delayMs: 100 })));
    const repository = t.app.get(EventsRepository);
    const metrics = t.app.get(MetricsService);
    const workers = [0, 1, 2].map(() => new DeliveryWorker(repository, t.config, metrics));
    for (let n = 0; n < 5; n++) await sendMo(t, mo(`+4670123450${n}`, null, `m-${n}`, '2026-06-01T10:00:00Z'));

    // The app's own worker runs too: four at once.
    await Promise.all(workers.map((worker) => worker.pass()));
    await Promise.all(workers.map((worker) => worker.pass()));
    const received = await crm.until(delivered(10));
    const ids = received.map((d) => d.headers['webhook-id']);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(10);
    await Promise.all(workers.map((worker) => worker.beforeApplicationShutdown()));
  });

  it('counts events produced and deliveries by outcome in /metrics', async () => {
    await subscribe();
    crm.answer({ status: 500 });
    await sendMo(t, mo(PHONE, null, 'm-1', '2026-06-01T10:00:00Z'));
    await crm.until(delivered(2));
    const metrics = await eventually(
      async () => (await request(t.http).get('/metrics').auth(KEYS.metrics, { type: 'bearer' })).text,
      // The backlog gauges are refreshed every few seconds, not every pass: wait for both to come to 0.
      (text: string) =>
        /contact_book_event_delivery_lag_seconds\{subscription="acme\/crm"\} 0$/m.test(text) &&
        /contact_book_event_deliveries_pending\{subscription="acme\/crm"\} 0$/m.test(text),
    );
    expect(metrics).toMatch(/contact_book_identity_events_total\{type="contact.created"\} [1-9]/);
    expect(metrics).toMatch(/contact_book_event_deliveries_total\{subscription="acme\/crm",outcome="delivered"\} [1-9]/);
    expect(metrics).toMatch(/contact_book_event_deliveries_total\{subscription="acme\/crm",outcome="retried"\} [1-9]/);
  });
});

describe('the order of deliveries naming two contacts', () => {
  let t: TestApp;
  // No worker: the test claims and settles by hand, one step at a time.
  beforeAll(async () => (t = await createTestApp({ events: { ...EVENTS, deliver: false } })));
  beforeEach(() => resetWithAcmeAndGlobex(t));
  afterAll(() => t?.close());

  it("holds the other contact's later events back while a relink to it is retried", async () => {
    const events = t.app.get(EventsRepository);
    const first = await sendMo(t, mo(PHONE, { whatsappUserId: B1 }, 'm-1', '2026-06-01T10:00:00Z'));
    await putSubscription(t, 'crm', { url: 'http://127.0.0.1:9/hooks', types: ['contact.relinked', 'contact.invalid'] });
    // The phone moves to a new contact (relinked from the first to it), then that contact turns invalid.
    const second = await sendMo(t, mo(PHONE, { whatsappUserId: B2 }, 'm-2', '2026-06-02T10:00:00Z'));
    await t.postDlr(acmeDlr(112404, { whatsappUserId: B2 }, 'd-1', '2026-06-03T10:00:00Z')).expect(200);
    await eventually(
      () => events.fanOut(500),
      (queued) => queued === 0,
    );
    expect(
      await t.dataSource.query(
        `SELECT contact_id AS "contactId", other_contact_id AS "otherContactId" FROM event_delivery ORDER BY event_tx, event_id`,
      ),
    ).toEqual([
      { contactId: first, otherContactId: second },
      { contactId: second, otherContactId: null },
    ]);

    const claim = async () => await events.claim(20, 60_000);
    const relinked = await claim();
    expect(relinked.map((d) => d.event?.type)).toEqual(['contact.relinked']);
    await events.settle(relinked[0], {
      status: 'pending',
      httpStatus: 500,
      error: 'answered 500',
      nextAttemptAt: new Date(Date.now() - 1_000),
    });

    const retried = await claim();
    expect(retried.map((d) => d.event?.type)).toEqual(['contact.relinked']);
    await events.settle(retried[0], { status: 'delivered', httpStatus: 204, error: null, nextAttemptAt: null });

    expect((await claim()).map((d) => d.event?.type)).toEqual(['contact.invalid']);
  });

  it("makes a retried delivery's later ones of the same contact due no sooner than it", async () => {
    const events = t.app.get(EventsRepository);
    await putSubscription(t, 'crm', { url: 'http://127.0.0.1:9/hooks' });
    await sendMo(t, mo(PHONE, { whatsappUserId: B1 }, 'm-1', '2026-06-01T10:00:00Z'));
    await events.fanOut(500);
    const [head] = await events.claim(20, 60_000);
    expect(head.event?.type).toBe('contact.created');
    const later = new Date(Date.now() + 3_600_000);
    await events.settle(head, { status: 'pending', httpStatus: 500, error: 'answered 500', nextAttemptAt: later });

    const due = await t.dataSource.query<{ due: Date }[]>(`SELECT next_attempt_at AS due FROM event_delivery ORDER BY event_tx, event_id`);
    expect(due.map((row) => new Date(row.due).getTime())).toEqual([later.getTime(), later.getTime(), later.getTime()]);
    expect(await events.claim(20, 60_000)).toEqual([]);
  });

  it('claims at most its share for each subscription, so one with a long backlog does not fill the batch', async () => {
    const events = t.app.get(EventsRepository);
    for (const name of ['busy', 'quiet']) {
      await request(t.http)
        .put(`/v1/portfolios/acme/subscriptions/${name}`)
        .auth(KEYS.admin, { type: 'bearer' })
        .send({ url: 'http://127.0.0.1:9/hooks', types: name === 'busy' ? ['contact.created'] : ['contact.linked'] })
        .expect(201);
    }
    for (let n = 0; n < 4; n++) await sendMo(t, mo(`+4670123450${n}`, null, `m-${n}`, '2026-06-01T10:00:00Z'));
    await events.fanOut(500);
    // The busy one's deliveries are all due before any of the quiet one's.
    await t.dataSource.query(`UPDATE event_delivery SET next_attempt_at = now() - interval '1 minute' WHERE subscription = 'busy'`);

    const claimed = await events.claim(3, 60_000, 2);
    expect(claimed.map((d) => d.subscription).sort()).toEqual(['busy', 'busy', 'quiet']);
  });

  it('refuses to deliver when stored event orders are ahead of the transaction ids, as after a restore from a dump', async () => {
    const events = t.app.get(EventsRepository);
    await putSubscription(t, 'crm', { url: 'http://127.0.0.1:9/hooks' });
    const id = await sendMo(t, mo(PHONE, null, 'm-1', '2026-06-01T10:00:00Z'));
    const worker = () =>
      new DeliveryWorker(
        events,
        { ...t.config, events: { ...EVENTS, retry: { ...EVENTS.retry, baseMs: 3_600_000 } } },
        t.app.get(MetricsService),
      );
    try {
      await t.dataSource.query(
        `UPDATE contact SET event_tx = pg_snapshot_xmax(pg_current_snapshot())::text::bigint + 1000000 WHERE id = $1`,
        [id],
      );
      const refused = worker();
      await refused.pass();
      expect(await t.dataSource.query(`SELECT event_id FROM event_delivery`)).toEqual([]);
      await refused.beforeApplicationShutdown();
    } finally {
      await t.dataSource.query(`UPDATE contact SET event_tx = NULL WHERE id = $1`, [id]);
    }

    const sound = worker();
    await sound.pass();
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM event_delivery`)).toEqual([{ n: 2 }]);
    await sound.beforeApplicationShutdown();
  });

  it('refuses to replay a delivery being sent right now, and keeps its lease', async () => {
    const events = t.app.get(EventsRepository);
    await putSubscription(t, 'crm', { url: 'http://127.0.0.1:9/hooks' });
    await sendMo(t, mo(PHONE, null, 'm-1', '2026-06-01T10:00:00Z'));
    await events.fanOut(500);
    const [sending] = await events.claim(1, 60_000);
    const replay = () =>
      request(t.http)
        .post(`/v1/portfolios/acme/subscriptions/crm/deliveries/evt_${sending.eventId}/replay`)
        .auth(KEYS.admin, { type: 'bearer' });

    const refused = await replay();
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual(expect.objectContaining({ resultCode: 112909 }));
    expect(await t.dataSource.query(`SELECT lease_token AS token FROM event_delivery WHERE event_id = $1`, [sending.eventId])).toEqual([
      { token: sending.leaseToken },
    ]);

    await events.settle(sending, { status: 'failed', httpStatus: 500, error: 'answered 500', nextAttemptAt: null });
    const replayed = await replay();
    expect(replayed.status).toBe(200);
    expect(replayed.body).toEqual(expect.objectContaining({ status: 'pending', attempts: 0 }));
  });

  it('drops the deliveries of a subscription deleted, by the foreign key', async () => {
    const events = t.app.get(EventsRepository);
    await putSubscription(t, 'crm', { url: 'http://127.0.0.1:9/hooks' });
    await sendMo(t, mo(PHONE, null, 'm-1', '2026-06-01T10:00:00Z'));
    await events.fanOut(500);
    await t.dataSource.query(`DELETE FROM event_subscription`);
    expect(await t.dataSource.query(`SELECT event_id FROM event_delivery`)).toEqual([]);
  });

  it('shows as lag the wait of events not queued yet, not only of pending deliveries', async () => {
    const events = t.app.get(EventsRepository);
    await putSubscription(t, 'crm', { url: 'http://127.0.0.1:9/hooks' });
    await sendMo(t, mo(PHONE, null, 'm-1', '2026-06-01T10:00:00Z'));
    await t.dataSource.query(`UPDATE identity_event SET recorded_at = now() - interval '1 hour'`);
    const [backlog] = await events.backlog();
    expect(backlog).toEqual({ portfolio: 'acme', subscription: 'crm', pending: 0, oldestSeconds: expect.any(Number) });
    expect(backlog.oldestSeconds).toBeGreaterThanOrEqual(3_600);
  });
});

describe('event deliveries across a restart', () => {
  let crm: FakeCrm;
  let folder: string;
  beforeAll(async () => (crm = await startFakeCrm()));
  afterAll(async () => {
    await crm.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('loses nothing when the service stops in the middle of retrying and another starts on the same database', async () => {
    folder = mkdtempSync(join(tmpdir(), 'events-restart-'));
    // PGlite keeps its data in the folder; PostgreSQL in test_events.
    const first = await createTestApp({ events: EVENTS, dataDir: folder });
    let second: TestApp | undefined;
    try {
      await resetWithAcmeAndGlobex(first);
      await putSubscription(first, 'crm', { url: crm.url });
      crm.answer(...Array.from({ length: 1_000 }, () => ({ status: 500 })));
      await sendMo(first, mo(PHONE, { whatsappUserId: B1 }, 'm-1', '2026-06-01T10:00:00Z'));
      await crm.until((received) => received.length >= 2);
      await first.close();

      crm.reset();
      second = await createTestApp({ events: EVENTS, dataDir: folder });
      const received = await crm.until(delivered(3));
      expect(types(received)).toEqual([
        ['contact.created', null],
        ['contact.linked', B1],
        ['contact.linked', PHONE],
      ]);
    } finally {
      await second?.close();
    }
  });

  const types = (received: CrmDelivery[]) => received.filter((d) => d.status < 300).map((d) => [d.body.type, d.body.value]);
  const delivered = (n: number) => (received: CrmDelivery[]) => received.filter((d) => d.status < 300).length >= n;
});
