// Hostile or careless input that must be refused cleanly (or, for an empty body, accepted as no body), and what a refusal may tell.
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { snapshotDatabase } from '../support/db-snapshot';
import { linkError, noAccess, unauthorized, validation } from '../support/expected-errors';
import { FakeLink, startFakeLink } from '../support/fake-link';
import { messageRequest, mo, sendMo } from '../support/link-builders';
import { ACME, GLOBEX_NUMBER, resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, fixture, KEYS, TestApp } from '../support/test-app';

const M = '+46701234567';
const B = 'SE.13491208655302741918';
const B_ONLY = 'SE.22222222222222222222';
const GLOBEX_B = 'SE.99999999999999999999';

/** An answer read off a raw connection: status, headers (lower-case names) and body. */
interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Writes `text` on a fresh connection (HTTP/1.1: kept alive unless a side says otherwise) and reads
 * everything the server sends until the server closes it: the test times out if it never does.
 */
function rawExchange(port: number, text: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      socket.end();
      const raw = Buffer.concat(chunks).toString('utf8');
      const split = raw.indexOf('\r\n\r\n');
      const [statusLine, ...headerLines] = raw.slice(0, split).split('\r\n');
      const headers = Object.fromEntries(
        headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: raw.slice(split + 4) });
    });
    socket.write(text);
  });
}

describe('bad input', () => {
  let t: TestApp;
  let link: FakeLink;
  let port: number;
  beforeAll(async () => {
    link = await startFakeLink();
    t = await createTestApp({ linkBaseUrl: link.baseUrl, linkUsername: 'link-user', linkPassword: 'link-pass' });
    await t.app.listen(0, '127.0.0.1');
    port = (t.http.address() as AddressInfo).port;
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

  const admin = (test: request.Test) => test.auth(KEYS.admin, { type: 'bearer' });
  const portfolios = async () => (await admin(request(t.http).get('/v1/portfolios'))).body.portfolios;

  describe('a body that is JSON null, or none at all', () => {
    it.each([
      ['null', 'null'],
      ['a string', '"x"'],
      ['a list', '[]'],
      ['a number', '42'],
    ])('PUT /v1/portfolios/{key} refuses %s as 400 112506, and the portfolio keeps its numbers and platform', async (_, json) => {
      const before = await snapshotDatabase(t.dataSource);
      const res = await admin(request(t.http).put('/v1/portfolios/acme')).set('Content-Type', 'application/json').send(json);
      expect([res.status, res.body]).toEqual([400, validation('body')]);
      expect(await snapshotDatabase(t.dataSource)).toEqual(before);
      const acme = (await portfolios()).find((portfolio: { key: string }) => portfolio.key === 'acme');
      expect(acme).toMatchObject({
        businessNumbers: ACME.businessNumbers,
        platformId: ACME.platformId,
        platformPartnerId: ACME.platformPartnerId,
      });
    });

    it('PUT /v1/portfolios/{key} with no body at all is refused the same way, and creates nothing', async () => {
      const before = await snapshotDatabase(t.dataSource);
      for (const put of [admin(request(t.http).put('/v1/portfolios/acme')), admin(request(t.http).put('/v1/portfolios/initech'))]) {
        const res = await put;
        expect([res.status, res.body]).toEqual([400, validation('body')]);
      }
      expect(await snapshotDatabase(t.dataSource)).toEqual(before);
    });

    it.each([
      ['PUT', '/v1/portfolios/acme/contacts'],
      ['POST', '/v1/portfolios/acme/contacts/resolve'],
      ['PUT', '/v1/portfolios/acme/templates/login_code'],
      ['POST', '/v1/portfolios/acme/conflicts/1/settle'],
      ['POST', '/v1/messages/dedupe'],
      ['POST', '/link/messages'],
      ['POST', '/webhooks/link/mo'],
      ['POST', '/webhooks/link/dlr'],
    ])('%s %s refuses null as 400 112506 naming the body, and writes nothing', async (method, path) => {
      const before = await snapshotDatabase(t.dataSource);
      const res = await admin(request(t.http)[method === 'PUT' ? 'put' : 'post'](path))
        .set('Content-Type', 'application/json')
        .send('null');
      expect([res.status, res.body]).toEqual([400, validation('body')]);
      expect(await snapshotDatabase(t.dataSource)).toEqual(before);
      expect(link.requests).toHaveLength(0);
    });
  });

  describe('Content-Type: application/json with an empty body', () => {
    const contact = `/v1/portfolios/acme/contacts/${encodeURIComponent(M)}`;
    /** The phone of each acme contact (null for the BSUID-only one), in a stable order. */
    const phonesOfAcme = async () => (await t.contactsOf('acme')).map((row) => row.msisdn).sort();

    it('is no body: a GET and a DELETE are served', async () => {
      const read = await admin(request(t.http).get(contact)).set('Content-Type', 'application/json').set('Content-Length', '0');
      expect([read.status, read.body.msisdn]).toEqual([200, M]);
      const erased = await admin(request(t.http).delete(contact)).set('Content-Type', 'application/json').set('Content-Length', '0');
      expect(erased.status).toBe(200);
      expect(await phonesOfAcme()).toEqual([null]); // B_ONLY's contact is left
    });

    it('is no body for a DELETE without Content-Length too', async () => {
      const erased = await admin(request(t.http).delete(contact)).set('Content-Type', 'application/json');
      expect(erased.status).toBe(200);
      expect(await phonesOfAcme()).toEqual([null]);
    });

    it('while a body that is not JSON is still 112505, and erases nothing', async () => {
      const res = await admin(request(t.http).delete(contact)).set('Content-Type', 'application/json').send('{');
      expect([res.status, res.body]).toEqual([400, linkError(112505)]);
      const blank = await admin(request(t.http).delete(contact)).set('Content-Type', 'application/json').send(' ');
      expect([blank.status, blank.body]).toEqual([400, linkError(112505)]);
      expect(await phonesOfAcme()).toEqual([M, null]);
    });
  });

  describe('a header block or URL over the size limit', () => {
    const expectAnswered431 = (answer: RawAnswer) => {
      expect(answer.status).toBe(431);
      expect(answer.headers).toMatchObject({
        connection: 'close',
        'content-type': 'application/json; charset=utf-8',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'strict-transport-security': expect.stringContaining('max-age='),
        'content-security-policy': expect.stringContaining("default-src 'self'"),
        'x-request-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.body));
      expect(JSON.parse(answer.body)).toEqual({
        resultCode: 112931,
        description: expect.stringMatching(/headers/),
        translatedDescription: null,
      });
    };

    it('answers 431 in LINK ErrorResponse, with the security headers and Connection: close, to a keep-alive client', async () => {
      const answer = await rawExchange(
        port,
        `GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\nX-Filler: ${'a'.repeat(64 * 1024)}\r\n\r\n`,
      );
      expectAnswered431(answer);
    });

    it('answers a URL too long the same way, and does not echo it', async () => {
      const answer = await rawExchange(
        port,
        `GET /v1/portfolios/acme/contacts?q=${'7'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`,
      );
      expectAnswered431(answer);
      expect(answer.body).not.toContain('777');
    });

    it('answers bytes that are not HTTP 400 in LINK ErrorResponse, and keeps serving', async () => {
      const answer = await rawExchange(port, 'HELLO THERE\r\n\r\n');
      expect([answer.status, answer.headers.connection, JSON.parse(answer.body)]).toEqual([400, 'close', linkError(112402)]);
      expect((await request(t.http).get('/health/live')).status).toBe(200);
    });
  });

  describe('an Authorization header with more than a scheme and one credential', () => {
    const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

    it.each([
      ['a bearer secret followed by junk', `Bearer ${KEYS.admin} junk`],
      ['a bearer secret followed by itself', `Bearer ${KEYS.admin} ${KEYS.admin}`],
      ['Basic credentials followed by junk', `${basic(`admin:${KEYS.admin}`)} junk`],
      ['Basic credentials with junk glued on', `${basic(`admin:${KEYS.admin}`)}!junk`],
    ])('refuses %s (401), and writes nothing', async (_, header) => {
      const before = await snapshotDatabase(t.dataSource);
      const res = await request(t.http).put('/v1/portfolios/acme').set('Authorization', header).send({ businessNumbers: [] });
      expect([res.status, res.body]).toEqual([401, unauthorized]);
      expect(await snapshotDatabase(t.dataSource)).toEqual(before);
    });

    it('takes the same credentials written exactly', async () => {
      for (const header of [`Bearer ${KEYS.admin}`, `bearer   ${KEYS.admin}`, basic(`admin:${KEYS.admin}`)]) {
        expect((await request(t.http).get('/v1/portfolios').set('Authorization', header)).status).toBe(200);
      }
    });
  });

  describe('a 403 for a portfolio the key does not reach', () => {
    const refusedQuietly = (res: request.Response) => {
      expect([res.status, res.body]).toEqual([403, noAccess]);
      expect(res.body.description).not.toMatch(/globex|47000000000/i);
    };

    it('does not name the portfolio that owns the source of a send, nor the source', async () => {
      const before = await snapshotDatabase(t.dataSource);
      refusedQuietly(
        await request(t.http)
          .post('/v1/messages/dedupe')
          .auth(KEYS.sender, { type: 'bearer' })
          .send(messageRequest([M], GLOBEX_NUMBER)),
      );
      refusedQuietly(
        await request(t.http)
          .post('/link/messages')
          .auth('acme-sender', KEYS.sender)
          .send(messageRequest([M], GLOBEX_NUMBER)),
      );
      expect(link.requests).toHaveLength(0);
      expect(await snapshotDatabase(t.dataSource)).toEqual(before);
    });

    it('does not name the portfolio that owns the number or platform of a webhook', async () => {
      const before = await snapshotDatabase(t.dataSource);
      const acmeLink = (path: string, body: object) =>
        request(t.http)
          .post(path)
          .set('Authorization', `Basic ${Buffer.from(`acme-link:${KEYS.acmeWebhook}`).toString('base64')}`)
          .send(body);
      refusedQuietly(
        await acmeLink('/webhooks/link/mo', mo('+4790000001', { whatsappUserId: GLOBEX_B }, 'g-1', '2026-06-01T10:00:00Z', GLOBEX_NUMBER)),
      );
      const globexDlr = { ...fixture('dlr-02-sent-msisdn-bsuid'), messageId: 'g-2', customParameters: { platformId: 'TEST_GX' } };
      refusedQuietly(await acmeLink('/webhooks/link/dlr', globexDlr));
      expect(await snapshotDatabase(t.dataSource)).toEqual(before);
    });
  });

  describe('nothing left to send', () => {
    const rejected = [
      { input: 'nope', action: 'rejected', code: 'INVALID_DESTINATION', reason: expect.any(String) },
      { input: GLOBEX_B, action: 'rejected', code: 'BSUID_WRONG_PORTFOLIO', reason: expect.any(String) },
    ];
    const nothingToSend = {
      resultCode: 112506,
      description: 'Validation error',
      translatedDescription: null,
      fields: [
        { field: 'destinations[0]', message: expect.stringContaining('INVALID_DESTINATION') },
        { field: 'destinations[1]', message: expect.stringContaining('BSUID_WRONG_PORTFOLIO') },
      ],
      destinations: rejected,
    };

    beforeEach(() => sendMo(t, mo('+4790000001', { whatsappUserId: GLOBEX_B }, 'g-1', '2026-06-01T10:00:00Z', GLOBEX_NUMBER)));

    it('answers 400 with the destinations report a 200 would carry, on the dedupe route and the proxy alike', async () => {
      const before = await snapshotDatabase(t.dataSource);
      const dedupe = await request(t.http)
        .post('/v1/messages/dedupe')
        .auth(KEYS.sender, { type: 'bearer' })
        .send(messageRequest(['nope', GLOBEX_B]));
      expect([dedupe.status, dedupe.body]).toEqual([400, nothingToSend]);
      const proxy = await request(t.http)
        .post('/link/messages')
        .auth('acme-sender', KEYS.sender)
        .send(messageRequest(['nope', GLOBEX_B]));
      expect([proxy.status, proxy.body]).toEqual([400, nothingToSend]);
      expect(link.requests).toHaveLength(0);
      expect(await snapshotDatabase(t.dataSource)).toEqual(before);
    });

    it('is documented in the OpenAPI document of both routes', async () => {
      const paths = (await admin(request(t.http).get('/docs-json'))).body.paths;
      for (const path of ['/v1/messages/dedupe', '/link/messages']) {
        // The schema is the shared ErrorResponse; the route's own example sits beside it.
        const example = paths[path].post.responses['400'].content['application/json'].example;
        expect({ path, keys: Object.keys(example), destination: example.destinations[0] }).toEqual({
          path,
          keys: ['resultCode', 'description', 'translatedDescription', 'fields', 'destinations'],
          destination: { input: expect.any(String), action: 'rejected', code: expect.any(String), reason: expect.any(String) },
        });
      }
    });

    it('reports each destination as the 200 answer does once one is left', async () => {
      const res = await request(t.http)
        .post('/v1/messages/dedupe')
        .auth(KEYS.sender, { type: 'bearer' })
        .send(messageRequest(['nope', GLOBEX_B, M]));
      expect(res.status).toBe(200);
      expect(res.body.destinations.slice(0, 2)).toEqual(rejected);
    });
  });

  describe('?prefer=bsuid with the phone listed first', () => {
    it('says the phone duplicates the BSUID after it, by its index, in a true sentence', async () => {
      const res = await request(t.http)
        .post('/v1/messages/dedupe?prefer=bsuid')
        .auth(KEYS.sender, { type: 'bearer' })
        .send(messageRequest([M, B_ONLY, B]));
      expect(res.status).toBe(200);
      expect(res.body.request.destinations).toEqual([B, B_ONLY]);
      expect(res.body.destinations).toEqual([
        {
          input: M,
          action: 'duplicate',
          sendAs: B,
          duplicateOf: B,
          duplicateOfIndex: 2,
          code: 'DUPLICATE',
          reason: expect.stringMatching(/^The same person as destination 3:/),
        },
        { input: B_ONLY, action: 'send', sendAs: B_ONLY, reason: expect.any(String) },
        { input: B, action: 'send', sendAs: B, reason: expect.any(String) },
      ]);
      expect(res.body.destinations[0].reason).not.toContain('earlier');
    });

    it("gives the proxy the same report, and mirrors the kept twin's messageId", async () => {
      link.enqueue({ status: 200, body: { resultCode: 112001, description: 'queued', messageIds: ['id-B'] } });
      const res = await request(t.http)
        .post('/link/messages?prefer=bsuid')
        .auth('acme-sender', KEYS.sender)
        .send(messageRequest([M, B]));
      expect(res.status).toBe(200);
      expect(res.body.messageIds).toEqual(['id-B', 'id-B']);
      expect(res.body.destinations[0]).toMatchObject({
        input: M,
        action: 'duplicate',
        duplicateOf: B,
        duplicateOfIndex: 1,
        reason: expect.stringMatching(/^The same person as destination 2:/),
      });
      expect(link.requests.map((sent) => (sent.body as { destinations: string[] }).destinations)).toEqual([[B]]);
    });
  });
});
