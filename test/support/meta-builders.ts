import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { ACME_NUMBER } from './portfolios';
import { TestApp } from './test-app';

/** The phone_number_id of acme's business number in Meta's fixtures (test/fixtures/meta). */
export const ACME_PHONE_ID = '106540352242922';
export const ACME_META_SECRET = 'acme-meta-app-secret';
/** acme's `meta` settings, for its portfolio PUT: the fixtures' phone number id is its business number. */
export const ACME_META = {
  verifyToken: 'acme-verify-token',
  appSecret: ACME_META_SECRET,
  phoneNumbers: [{ number: ACME_NUMBER, phoneNumberId: ACME_PHONE_ID }],
};

/** One of Meta's webhook examples, parsed: each test changes its own copy. */
export function metaFixture(name: string): Record<string, any> {
  return JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'meta', `${name}.json`), 'utf8'));
}

/** `X-Hub-Signature-256` as Meta computes it: HMAC-SHA256 of the body's bytes with the app secret. */
export const metaSignature = (body: string, secret = ACME_META_SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** A webhook as Meta posts it: the JSON text, signed with the app secret. */
export function postMeta(t: TestApp, body: unknown, secret = ACME_META_SECRET) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return request(t.http)
    .post('/webhooks/meta')
    .set('Content-Type', 'application/json')
    .set('X-Hub-Signature-256', metaSignature(text, secret))
    .send(text);
}
