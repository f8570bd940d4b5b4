// The JSON log: one line per request and per graph event at `debug`; at `info`, webhooks are logged
// a batch at a time. Identifiers masked, no bodies, no secrets.
import { PassThrough } from 'node:stream';
import request from 'supertest';
import { mo, sendMo } from '../support/link-builders';
import { resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

const PHONE = '+46701234567';
const BSUID = 'SE.13491208655302741918';
const BODY_TEXT = 'a message nobody should find in a log';

describe('logs', () => {
  let t: TestApp;
  let lines: Record<string, unknown>[] = [];
  let raw = '';

  beforeAll(async () => {
    const destination = new PassThrough();
    destination.on('data', (chunk: Buffer) => {
      raw += chunk.toString();
      lines.push(
        ...chunk
          .toString()
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      );
    });
    t = await createTestApp({ logLevel: 'debug' }, { logDestination: destination });
    await resetWithAcmeAndGlobex(t);
    lines = [];
    raw = '';
    await sendMo(t, {
      ...mo(PHONE, { whatsappUserId: BSUID }, 'log-1', '2026-06-01T10:00:00Z'),
      content: { type: 'WHATSAPP', message: { contentType: 'TEXT', text: BODY_TEXT } },
    });
    await request(t.http)
      .get(`/v1/portfolios/acme/contacts/${encodeURIComponent(PHONE)}`)
      .auth(KEYS.crm, { type: 'bearer' })
      .expect(200);
    await request(t.http)
      .get(`/v1/portfolios/acme/contacts/${encodeURIComponent('+46709999999')}`)
      .auth(KEYS.crm, { type: 'bearer' })
      .expect(404);
    // Let the last lines reach the stream.
    await new Promise((resolve) => setImmediate(resolve));
  });
  afterAll(() => t.close());

  it('writes one line per request: method, route template, status, ms, request id, key', () => {
    const requests = lines.filter((line) => line.msg === 'request');
    expect(requests).toEqual([
      expect.objectContaining({
        level: 'debug',
        method: 'POST',
        route: '/webhooks/link/mo',
        status: 200,
        key: 'link',
        requestId: expect.any(String),
        ms: expect.any(Number),
      }),
      expect.objectContaining({
        level: 'info',
        method: 'GET',
        route: '/v1/portfolios/:portfolio/contacts/:identifier',
        status: 200,
        key: 'crm',
      }),
      expect.objectContaining({ method: 'GET', route: '/v1/portfolios/:portfolio/contacts/:identifier', status: 404, key: 'crm' }),
    ]);
    expect(new Set(requests.map((line) => line.requestId)).size).toBe(3);
  });

  it('writes one line per graph event, identifiers masked', () => {
    const events = lines.filter((line) => typeof line.event === 'string');
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ event: 'created', portfolio: 'acme', contactId: expect.any(String) }),
        expect.objectContaining({ event: 'linked', field: 'msisdn', to: '+4670*****67', evidence: 'MO' }),
        expect.objectContaining({ event: 'linked', field: 'bsuid', to: expect.stringMatching(/^SE\.13\*+18$/) }),
      ]),
    );
  });

  it('does not give the graph events of a batch of webhooks the id of one of its requests', async () => {
    const before = lines.length;
    const sends = Array.from({ length: 20 }, (_, i) =>
      t.postMo(mo(`+4670555${String(i).padStart(4, '0')}`, null, `log-batch-${i}`, '2026-06-01T10:00:00Z')),
    );
    expect((await Promise.all(sends)).map((res) => res.status)).toEqual(Array(20).fill(200));
    await new Promise((resolve) => setImmediate(resolve));
    const events = lines.slice(before).filter((line) => line.event === 'created');
    expect(events).toHaveLength(20);
    expect(events.filter((line) => line.requestId !== undefined)).toEqual([]);
  });

  it('never writes an identifier, a body or a secret in full', () => {
    expect(raw).not.toContain(PHONE);
    expect(raw).not.toContain('+46709999999');
    expect(raw).not.toContain(BSUID);
    expect(raw).not.toContain(BODY_TEXT);
    expect(raw).not.toContain(KEYS.crm);
    expect(raw).not.toContain(KEYS.webhook);
    expect(raw).not.toContain(Buffer.from(`link:${KEYS.webhook}`).toString('base64'));
  });
});
