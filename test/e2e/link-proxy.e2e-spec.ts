// POST /link/messages: LINK's POST /messages in front of LINK, against a real fake LINK server.
import request from 'supertest';
import { messageRequest, mo, sendMo } from '../support/link-builders';
import { ACME_NUMBER, resetWithAcmeAndGlobex } from '../support/portfolios';
import { FakeLink, startFakeLink } from '../support/fake-link';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

const M = '+46701234567';
const B = 'SE.13491208655302741918';
const B_ONLY = 'SE.22222222222222222222';
const UNKNOWN = '+46705550000';
const TIMEOUT_MS = 500;

const queued = (ids: string[]) => ({ status: 200, body: { resultCode: 112001, description: 'queued', messageIds: ids } });

describe('POST /link/messages', () => {
  let t: TestApp;
  let link: FakeLink;
  beforeAll(async () => {
    link = await startFakeLink();
    t = await createTestApp({ linkBaseUrl: link.baseUrl, linkUsername: 'link-user', linkPassword: 'link-pass', linkTimeoutMs: TIMEOUT_MS });
  });
  beforeEach(async () => {
    link.reset();
    await resetWithAcmeAndGlobex(t);
    await sendMo(t, mo(M, { whatsappUserId: B }, 'm-1', '2026-06-01T10:00:00Z'));
    await sendMo(t, mo(B_ONLY, { whatsappUserId: B_ONLY }, 'm-2', '2026-06-01T10:00:00Z'));
  });
  afterAll(async () => {
    await t.close();
    await link.close();
  });

  /** As a LINK client sends: Basic with the key's name and secret. */
  const send = (body: unknown, secret: string = KEYS.sender, name = 'acme-sender') =>
    request(t.http)
      .post('/link/messages')
      .auth(name, secret)
      .send(body as object);
  const outboundOf = async (identifier: string) =>
    (
      await request(t.http)
        .get(`/v1/portfolios/acme/contacts/${encodeURIComponent(identifier)}`)
        .auth(KEYS.admin, { type: 'bearer' })
    ).body.lastOutboundAt;
  /** The proxy records a send after answering: wait (a bounded while) until it has. */
  const recordedOutbound = async (identifier: string): Promise<string | null> => {
    for (let tries = 0; tries < 100; tries++) {
      const outbound = await outboundOf(identifier);
      if (outbound) return outbound;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return null;
  };
  /** Waits for the sends still being recorded, so that a test that expects none sees the last word. */
  const settled = () => new Promise((resolve) => setTimeout(resolve, 200));

  it("forwards the deduped request once and mirrors messageIds onto the caller's destinations", async () => {
    link.enqueue(queued(['id-M', 'id-B_ONLY', 'id-U']));
    const res = await send(messageRequest([B, M, B_ONLY, 'nope', UNKNOWN, '0705550000']));

    expect(link.requests).toHaveLength(1);
    expect(link.requests[0]).toMatchObject({
      method: 'POST',
      path: '/messages',
      headers: expect.objectContaining({ authorization: `Basic ${Buffer.from('link-user:link-pass').toString('base64')}` }),
      body: { ...messageRequest([]), destinations: [M, B_ONLY, UNKNOWN] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      resultCode: 112001,
      description: 'queued',
      messageIds: ['id-M', 'id-M', 'id-B_ONLY', null, 'id-U', 'id-U'],
      destinations: [
        expect.objectContaining({ input: B, action: 'duplicate', sendAs: M }),
        expect.objectContaining({ input: M, action: 'send', sendAs: M }),
        expect.objectContaining({ input: B_ONLY, action: 'send', sendAs: B_ONLY }),
        expect.objectContaining({ input: 'nope', action: 'rejected', code: 'INVALID_DESTINATION' }),
        expect.objectContaining({ input: UNKNOWN, action: 'send', sendAs: UNKNOWN }),
        expect.objectContaining({ input: '0705550000', action: 'duplicate', sendAs: UNKNOWN }),
      ],
    });
  });

  it('records the outbound exchange of each known destination sent', async () => {
    expect(await outboundOf(M)).toBeNull();
    link.enqueue(queued(['id-M', 'id-B_ONLY']));
    await send(messageRequest([M, B_ONLY])).expect(200);
    for (const identifier of [M, B_ONLY])
      expect(Date.now() - Date.parse((await recordedOutbound(identifier)) as string)).toBeLessThan(60_000);
    const exchanges = await t.dataSource.query(
      `SELECT business_number AS "businessNumber" FROM contact_exchange WHERE last_outbound_at IS NOT NULL`,
    );
    expect(exchanges).toEqual([{ businessNumber: ACME_NUMBER }, { businessNumber: ACME_NUMBER }]);
    // A send learns no link and creates nobody.
    expect(await t.contactsOf('acme')).toHaveLength(2);
  });

  it('records the exchange under the business number in its canonical form, however the source was written', async () => {
    link.enqueue(queued(['id-M']));
    await send({ ...messageRequest([M]), source: '0046 000 000 000' }).expect(200);
    expect(await recordedOutbound(M)).not.toBeNull();
    const rows = await t.dataSource.query(
      `SELECT business_number AS "businessNumber" FROM contact_exchange WHERE last_outbound_at IS NOT NULL`,
    );
    expect(rows).toEqual([{ businessNumber: ACME_NUMBER }]);
  });

  it.each([
    [400, { resultCode: 112506, description: 'Validation error', translatedDescription: null }],
    [401, { resultCode: 112400, description: 'Unauthorized', translatedDescription: null }],
    [500, { resultCode: 112500, description: 'Internal error', translatedDescription: null }],
  ])("answers LINK's own %i with its body, and records nothing", async (status, body) => {
    link.enqueue({ status, body });
    const res = await send(messageRequest([M]));
    expect(res.status).toBe(status);
    expect(res.body).toEqual(body);
    await settled();
    expect(await outboundOf(M)).toBeNull();
  });

  it('answers 504, outcome unknown, when LINK is too slow, and never sends twice', async () => {
    link.enqueue({ ...queued(['late']), delayMs: TIMEOUT_MS * 3 });
    const res = await send(messageRequest([M]));
    expect(res.status).toBe(504);
    expect(res.body).toEqual({
      resultCode: 112503,
      description: expect.stringContaining('may or may not have been sent'),
      translatedDescription: null,
    });
    await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS * 3));
    expect(link.requests).toHaveLength(1);
    expect(await outboundOf(M)).toBeNull();
  });

  it('answers 504, outcome unknown, when LINK drops the connection, and never sends twice', async () => {
    link.enqueue({ drop: true });
    const res = await send(messageRequest([M]));
    expect(res.status).toBe(504);
    expect(res.body.description).toContain('may or may not have been sent');
    expect(link.requests).toHaveLength(1);
  });

  it('answers success when LINK queued the messages with a body it cannot read, so that nobody sends again', async () => {
    link.enqueue({ status: 200, body: 'queued, honestly' });
    const res = await send(messageRequest([M, B]));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ description: expect.any(String), messageIds: [null, null], destinations: expect.any(Array) });
    expect(link.requests).toHaveLength(1);
  });

  it("refuses a request naming another platform than its source's portfolio, without calling LINK", async () => {
    const res = await send({ ...messageRequest([M]), platformId: 'SOMEONE_ELSE' });
    expect(res.status).toBe(403);
    expect(link.requests).toHaveLength(0);
  });

  it('answers 400 without calling LINK when no destination is left, or the envelope is wrong', async () => {
    expect((await send(messageRequest(['nope']))).status).toBe(400);
    expect((await send({ ...messageRequest([M]), priority: 'SOON' })).status).toBe(400);
    expect(link.requests).toHaveLength(0);
  });

  it('takes Bearer credentials too, and needs the send role for the portfolio of the source', async () => {
    link.enqueue(queued(['id-M']));
    const bearer = await request(t.http)
      .post('/link/messages')
      .auth(KEYS.sender, { type: 'bearer' })
      .send(messageRequest([M]));
    expect(bearer.status).toBe(200);
    expect((await send(messageRequest([M]), KEYS.crm, 'crm')).status).toBe(403);
    expect(
      (
        await request(t.http)
          .post('/link/messages')
          .send(messageRequest([M]))
      ).status,
    ).toBe(401);
    expect((await send({ ...messageRequest([M]), source: '+4712345678' })).status).toBe(403);
    expect(link.requests).toHaveLength(1);
  });
});
