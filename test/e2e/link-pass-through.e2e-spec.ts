// LINK's routes beside POST /messages, passed through to a real fake LINK server.
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import request from 'supertest';
import { FakeLink, startFakeLink } from '../support/fake-link';
import { ACME, ACME_NUMBER, GLOBEX_NUMBER, resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

const TIMEOUT_MS = 500;
// The upload test reads live memory, collected first: V8's collector on call.
setFlagsFromString('--expose-gc');
const ACCOUNT = `/platformId/TEST_XA/platformPartnerId/1/source/${ACME_NUMBER}`;
const LINK_BASIC = `Basic ${Buffer.from('link-user:link-pass').toString('base64')}`;
const OTP_TEMPLATE = {
  name: 'login_code',
  language: 'en_US',
  category: 'AUTHENTICATION',
  components: [
    { type: 'BODY', add_security_recommendation: true },
    { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE' }] },
  ],
};
const form = (boundary: string, fields: Record<string, string>, file: string) =>
  [
    ...Object.entries(fields).map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    `--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n${file}\r\n`,
    `--${boundary}--\r\n`,
  ].join('');
const MEDIA_FIELDS = { source: ACME_NUMBER, platformId: 'TEST_XA', platformPartnerId: '1', mediaContentType: 'image/png' };

describe('LINK routes passed through under /link', () => {
  let t: TestApp;
  let link: FakeLink;
  beforeAll(async () => {
    link = await startFakeLink();
    t = await createTestApp({ linkBaseUrl: link.baseUrl, linkUsername: 'link-user', linkPassword: 'link-pass', linkTimeoutMs: TIMEOUT_MS });
  });
  beforeEach(async () => {
    link.reset();
    await resetWithAcmeAndGlobex(t);
  });
  afterAll(async () => {
    await t.close();
    await link.close();
  });

  /** As a LINK client calls: Basic with the key's name and secret. */
  const call = (method: 'get' | 'post' | 'put' | 'delete', path: string, secret: string = KEYS.sender, name = 'acme-sender') =>
    request(t.http)[method](`/link${path}`).auth(name, secret);

  it.each([
    [
      'post',
      '/mo/status',
      { platformId: 'TEST_XA', platformPartnerId: '1', source: ACME_NUMBER, status: 'read', message_id: 'mo-1' },
      204,
      '',
    ],
    ['get', ACCOUNT, undefined, 200, { wabaId: '634974688087057', overallHealthStatus: 'AVAILABLE' }],
    ['get', `${ACCOUNT}/profile`, undefined, 200, { data: [{ about: 'Butterflies' }] }],
    ['post', `${ACCOUNT}/profile`, { messaging_product: 'whatsapp', profile: { about: 'Butterflies' } }, 204, ''],
    [
      'get',
      `${ACCOUNT}/analytics?startDate=2026-05-31T22:00:00Z&endDate=2026-06-03T22:00:00Z`,
      undefined,
      200,
      [{ totalMessagesDelivered: 136 }],
    ],
    ['get', `${ACCOUNT}/templates`, undefined, 200, { data: [] }],
    ['get', `${ACCOUNT}/templates/594425479261596`, undefined, 200, { id: '594425479261596' }],
    [
      'put',
      `${ACCOUNT}/templates`,
      { name: 'offer', language: 'en', category: 'MARKETING', components: [] },
      200,
      { id: '1', status: 'PENDING' },
    ],
    ['post', `${ACCOUNT}/templates/1`, { category: 'UTILITY' }, 200, { success: true }],
    ['delete', `${ACCOUNT}/templates/1/offer`, undefined, 200, { success: true }],
  ] as const)(
    '%s %s: as the caller sent it, with the LINK credentials of the portfolio in place of the key',
    async (method, path, body, status, answer) => {
      link.enqueue({ status, body: answer });
      const res = await call(method, path).set('Accept-Language', 'sv').send(body);

      expect(res.status).toBe(status);
      if (status === 200) expect(res.body).toEqual(answer);
      expect(link.requests).toHaveLength(1);
      const [seen] = link.requests;
      expect(seen).toMatchObject({ method: method.toUpperCase(), path, body });
      expect(seen.headers).toMatchObject({ authorization: LINK_BASIC, 'accept-language': 'sv' });
    },
  );

  it('passes a path LINK’s document does not list through the same way, its JSON body untouched', async () => {
    const body = '{"platformId":"TEST_XA","platformPartnerId":"1","source":"+46000000000","n":1.0}';
    link.enqueue({ status: 202, body: { ok: true } });
    const res = await call('put', '/future/route?x=1').set('Content-Type', 'application/json').send(body);
    expect(res.status).toBe(202);
    expect(link.requests[0]).toMatchObject({ method: 'PUT', path: '/future/route?x=1' });
    expect(link.requests[0].bytes).toBe(Buffer.byteLength(body));
  });

  it("uses the portfolio's own LINK credentials when it has them", async () => {
    await t.putPortfolio('acme', { ...ACME, upstream: { username: 'acme-link', password: 'acme-pass' } });
    link.enqueue({ status: 200, body: { data: [] } });
    await call('get', `${ACCOUNT}/templates`).expect(200);
    expect(link.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('acme-link:acme-pass').toString('base64')}`);
  });

  it("answers LINK's own errors with their status, headers and body", async () => {
    link.enqueue({
      status: 404,
      body: { resultCode: 112404, description: 'Not found', translatedDescription: null },
      headers: { 'retry-after': '3' },
    });
    const res = await call('post', '/mo/status').send({
      platformId: 'TEST_XA',
      platformPartnerId: '1',
      source: ACME_NUMBER,
      status: 'read',
    });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ resultCode: 112404, description: 'Not found', translatedDescription: null });
    expect(res.headers['retry-after']).toBe('3');
  });

  it('passes a media upload through as multipart, the form untouched, and LINK’s text answer back', async () => {
    const boundary = 'XyZ123';
    const body = form(boundary, MEDIA_FIELDS, 'PNG-BYTES');
    link.enqueue({ status: 200, body: '1037543291543636', headers: { 'content-type': 'text/plain' } });
    const res = await call('post', '/media').set('Content-Type', `multipart/form-data; boundary=${boundary}`).send(body);
    expect(res.status).toBe(200);
    expect(res.text).toBe('1037543291543636');
    expect(link.requests[0]).toMatchObject({ method: 'POST', path: '/media', body });
    expect(link.requests[0].headers).toMatchObject({
      authorization: LINK_BASIC,
      'content-type': `multipart/form-data; boundary=${boundary}`,
    });
  });

  it('takes the account of a media upload from the query too', async () => {
    const boundary = 'q1';
    const body = form(boundary, { mediaContentType: 'image/png' }, 'x');
    link.enqueue({ status: 200, body: { h: '4:handle' } });
    const query = `?source=%2B46000000000&platformId=TEST_XA&platformPartnerId=1`;
    await call('post', `/media/resumable${query}`).set('Content-Type', `multipart/form-data; boundary=${boundary}`).send(body).expect(200);
    expect(link.requests[0].path).toBe(`/media/resumable${query}`);
  });

  describe('refuses, and LINK sees nothing', () => {
    it.each([
      ['a key of another portfolio', 'get', `${ACCOUNT}/profile`, undefined, KEYS.globexAdmin, 'globex-admin', 403],
      [
        'a business number of another portfolio',
        'get',
        `/platformId/TEST_GX/platformPartnerId/1/source/${GLOBEX_NUMBER}/profile`,
        undefined,
        KEYS.sender,
        'acme-sender',
        403,
      ],
      [
        'another portfolio’s platform with this one’s number',
        'get',
        `/platformId/TEST_GX/platformPartnerId/1/source/${ACME_NUMBER}/profile`,
        undefined,
        KEYS.sender,
        'acme-sender',
        403,
      ],
      [
        'a body naming another account than the path',
        'post',
        `${ACCOUNT}/profile`,
        { source: GLOBEX_NUMBER },
        KEYS.sender,
        'acme-sender',
        400,
      ],
      ['no account at all', 'post', '/mo/status', { status: 'read', message_id: 'mo-1' }, KEYS.sender, 'acme-sender', 400],
      ['a key without the send role', 'get', `${ACCOUNT}/profile`, undefined, KEYS.crm, 'crm', 403],
      ['no key', 'get', `${ACCOUNT}/profile`, undefined, 'wrong', 'nobody', 401],
    ] as const)('%s', async (_, method, path, body, secret, name, status) => {
      const res = await call(method, path, secret, name).send(body);
      expect(res.status).toBe(status);
      expect(res.body).toEqual(expect.objectContaining({ resultCode: expect.any(Number), description: expect.any(String) }));
      expect(link.requests).toEqual([]);
    });

    it('a media upload naming a portfolio the key does not reach', async () => {
      const boundary = 'b';
      const body = form(boundary, { ...MEDIA_FIELDS, source: GLOBEX_NUMBER, platformId: 'TEST_GX' }, 'x'.repeat(200_000));
      const res = await call('post', '/media').set('Content-Type', `multipart/form-data; boundary=${boundary}`).send(body);
      expect(res.status).toBe(403);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(link.requests).toEqual([]);
      expect(link.receivedBytes()).toBe(0);
    });

    it('a form that names another account after the file: the upload is cut off before LINK has it whole', async () => {
      const boundary = 'c';
      const body = form(boundary, MEDIA_FIELDS, 'x'.repeat(100_000)).replace(
        `--${boundary}--`,
        `--${boundary}\r\nContent-Disposition: form-data; name="source"\r\n\r\n${GLOBEX_NUMBER}\r\n--${boundary}--`,
      );
      const res = await call('post', '/media').set('Content-Type', `multipart/form-data; boundary=${boundary}`).send(body);
      expect(res.status).toBe(400);
      expect(res.body.fields).toEqual([{ field: 'source', message: 'the form names another source than the rest of the request' }]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      // LINK never got the closing delimiter: a cut form is nothing it acts on.
      expect(link.requests.every((seen) => !String(seen.body).includes(`--${boundary}--`))).toBe(true);
    });

    it('a JSON body that is not JSON when only the body can name the account', async () => {
      const res = await call('post', '/mo/status').set('Content-Type', 'application/json').send('{"source": ');
      expect(res.status).toBe(400);
      expect(res.body.resultCode).toBe(112505);
      expect(link.requests).toEqual([]);
    });
  });

  it('answers 504, outcome unknown, when LINK is too slow, and never calls twice', async () => {
    link.enqueue({ status: 200, body: { data: [] }, delayMs: TIMEOUT_MS * 3 });
    const res = await call('get', `${ACCOUNT}/templates`);
    expect(res.status).toBe(504);
    expect(res.body).toEqual({
      resultCode: 112503,
      description: expect.stringContaining('may or may not have reached LINK'),
      translatedDescription: null,
    });
    await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS * 3));
    expect(link.requests).toHaveLength(1);
  });

  it('answers 504 when LINK drops the connection', async () => {
    link.enqueue({ drop: true });
    const res = await call('post', '/mo/status').send({
      platformId: 'TEST_XA',
      platformPartnerId: '1',
      source: ACME_NUMBER,
      status: 'read',
    });
    expect(res.status).toBe(504);
    expect(link.requests).toHaveLength(1);
  });

  describe('templates created, updated and deleted through it teach the registry at once', () => {
    const registry = () =>
      t.dataSource.query(
        `SELECT name, language, category, otp_type, status, source, template_id, requests_contact_info FROM template ORDER BY name, language`,
      );
    const dedupeOtp = () =>
      request(t.http)
        .post('/v1/messages/dedupe')
        .auth(KEYS.sender, { type: 'bearer' })
        .send({
          platformId: 'TEST_XA',
          platformPartnerId: '1',
          priority: 'NORMAL',
          refId: 'otp-1',
          source: ACME_NUMBER,
          destinations: ['SE.22222222222222222222'],
          messages: [{ type: 'template', template: { name: 'login_code', language: { code: 'en_US' } } }],
        });

    it('an authentication template created through the proxy is enforced on the very next dedupe, without a sync', async () => {
      link.enqueue({ status: 200, body: { id: '594425479261596', status: 'PENDING', category: 'AUTHENTICATION' } });
      await call('put', `${ACCOUNT}/templates`).send(OTP_TEMPLATE).expect(200);
      expect(await registry()).toEqual([
        {
          name: 'login_code',
          language: 'en_US',
          category: 'AUTHENTICATION',
          otp_type: 'COPY_CODE',
          status: 'PENDING',
          source: 'proxy',
          template_id: '594425479261596',
          requests_contact_info: false,
        },
      ]);

      const res = await dedupeOtp();
      expect(res.status).toBe(400);
      expect(res.body.destinations).toEqual([expect.objectContaining({ action: 'rejected', code: 'BSUID_AUTH_TEMPLATE' })]);
      // Known already: LINK was not asked for its templates.
      expect(link.requests.map((seen) => `${seen.method} ${seen.path}`)).toEqual([`PUT ${ACCOUNT}/templates`]);
    });

    it('an update changes the category of the template of that id, a delete removes it', async () => {
      link.enqueue({ status: 200, body: { id: '77', status: 'APPROVED' } });
      await call('put', `${ACCOUNT}/templates`)
        .send({ ...OTP_TEMPLATE, name: 'notice', category: 'UTILITY', components: [] })
        .expect(200);
      link.enqueue({ status: 200, body: { success: true } });
      await call('post', `${ACCOUNT}/templates/77`).send({ category: 'AUTHENTICATION', components: OTP_TEMPLATE.components }).expect(200);
      expect(await registry()).toEqual([expect.objectContaining({ name: 'notice', category: 'AUTHENTICATION', otp_type: 'COPY_CODE' })]);

      link.enqueue({ status: 200, body: { success: true } });
      await call('delete', `${ACCOUNT}/templates/77/notice`).expect(200);
      expect(await registry()).toEqual([]);
    });

    it('learns nothing from a template call LINK refused', async () => {
      link.enqueue({ status: 400, body: { resultCode: 112402, description: 'Bad request', translatedDescription: null } });
      await call('put', `${ACCOUNT}/templates`).send(OTP_TEMPLATE).expect(400);
      expect(await registry()).toEqual([]);
    });
  });
});

describe('LINK routes passed through, LINK unreachable', () => {
  let t: TestApp;
  // Nothing listens on this port: no connection is ever made.
  beforeAll(async () => {
    t = await createTestApp({
      linkBaseUrl: 'http://127.0.0.1:4159',
      linkUsername: 'link-user',
      linkPassword: 'link-pass',
      linkTimeoutMs: TIMEOUT_MS,
    });
    await resetWithAcmeAndGlobex(t);
  });
  afterAll(() => t.close());

  it('answers 502: nothing reached LINK', async () => {
    const res = await request(t.http).get(`/link${ACCOUNT}/profile`).auth('acme-sender', KEYS.sender);
    expect(res.status).toBe(502);
    expect(res.body).toEqual({ resultCode: 112501, description: expect.stringContaining('nothing was sent'), translatedDescription: null });
  });
});

describe('a media upload through the pass-through', () => {
  let t: TestApp;
  let link: FakeLink;
  // LINK_TIMEOUT_MS as configured by default: the collections this test runs pause the process for a while.
  beforeAll(async () => {
    link = await startFakeLink();
    t = await createTestApp({ linkBaseUrl: link.baseUrl, linkUsername: 'link-user', linkPassword: 'link-pass' });
    await resetWithAcmeAndGlobex(t);
  });
  afterAll(async () => {
    await t.close();
    await link.close();
  });

  // The service's memory during uploads is measured from outside, on the built service: `npm run bench:pass-through`.
  it('streams a 10 MB media upload: LINK has its first megabyte before the caller sent the rest', async () => {
    const server = t.http;
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const boundary = 'stream10mb';
    const lead = Buffer.from(
      [
        ...Object.entries(MEDIA_FIELDS).map(
          ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
        ),
        `--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
      ].join(''),
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const chunk = Buffer.alloc(64 * 1024, 0x5a);
    const chunks = (10 * 1024 * 1024) / chunk.length;
    const length = lead.length + chunks * chunk.length + tail.length;
    const digest = createHash('sha256');
    link.enqueue({ status: 200, body: '1037543291543636', headers: { 'content-type': 'text/plain' } });

    const upload = httpRequest({
      host: '127.0.0.1',
      port: (server.address() as AddressInfo).port,
      method: 'POST',
      path: '/link/media',
      auth: `acme-sender:${KEYS.sender}`,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(length) },
    });
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      upload.on('response', (res) => {
        let text = '';
        res.on('data', (data: Buffer) => (text += data.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      upload.on('error', reject);
    });
    const write = (data: Buffer) => {
      digest.update(data);
      return upload.write(data) ? Promise.resolve() : new Promise<void>((resolve) => upload.once('drain', resolve));
    };

    await write(lead);
    for (let sent = 0; sent < 16; sent++) await write(chunk);
    // A service that buffered the upload would pass nothing on before the end: this would never come.
    for (let waited = 0; link.receivedBytes() < 1024 * 1024; waited += 10) {
      if (waited > 5_000) throw new Error(`LINK had ${link.receivedBytes()} bytes after the caller sent 1 MB`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    for (let sent = 16; sent < chunks; sent++) await write(chunk);
    await write(tail);
    upload.end();
    expect(await answered).toEqual({ status: 200, text: '1037543291543636' });
    expect(link.requests).toEqual([
      expect.objectContaining({ method: 'POST', path: '/media', bytes: length, sha256: digest.digest('hex') }),
    ]);
  });
});
