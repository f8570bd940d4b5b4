// Property tests over every route of the OpenAPI document: whatever arrives in the path, the query or the
// body, the answer is a 2xx or a 4xx in LINK's ErrorResponse shape, never a 5xx (DESIGN: Errors); a 4xx
// leaves the database exactly as it was, a GET never changes it, and the process keeps serving.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import request from 'supertest';
import { changedTables, settledSnapshot, snapshotDatabase } from '../support/db-snapshot';
import { FakeLink, startFakeLink } from '../support/fake-link';
import { acmeDlr, mo, sendMo } from '../support/link-builders';
import { ACME_META, metaSignature } from '../support/meta-builders';
import { ACME, ACME_NUMBER, GLOBEX, GLOBEX_NUMBER } from '../support/portfolios';
import { createTestApp, fixture, KEYS, TestApp } from '../support/test-app';

const RUNS_PER_ROUTE = 30;
const BODY_RUNS_PER_ROUTE = 50;
const IDENTIFIER_RUNS = 120;

const M1 = '+46701234567';
const B1 = 'SE.13491208655302741918';
const P1 = 'SE.ENT.11815799212886844830';
const M2 = '+46709876543';
const B2 = 'SE.24681357924681357924';
const M3 = '+46705550000';
const GLOBEX_B = 'NO.99999999999999999999';

type Schema = { $ref?: string; properties?: Record<string, Schema>; items?: Schema; example?: unknown };
type Operation = { parameters?: { in: string; name: string }[]; requestBody?: { content: Record<string, { schema: Schema }> } };
interface Route {
  method: 'get' | 'put' | 'post' | 'delete';
  template: string;
  operation: Operation;
}

/** A request as sent: path and query already encoded, the body as raw text with its content type. */
interface Call {
  method: Route['method'];
  path: string;
  query: string;
  body?: { contentType: string; text: string };
}

/** What the seed leaves in the database, for plausible path values. */
interface Seeded {
  contactIds: string[];
  historyIds: string[];
  mergeIds: string[];
  conflictIds: string[];
}

const FIXTURES = readdirSync(join(__dirname, '..', 'fixtures', 'link'))
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.replace(/\.json$/, ''));
/** Meta's webhook examples, posted signed with acme's app secret. */
const META_FIXTURES = readdirSync(join(__dirname, '..', 'fixtures', 'meta')).filter((file) => file.endsWith('.json'));
const metaFixtures = () =>
  META_FIXTURES.map((file) => JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'meta', file), 'utf8')) as unknown);

const fixturesStarting = (prefix: string) => FIXTURES.filter((name) => name.startsWith(prefix)).map((name) => fixture(name));

/** LINK's MessageRequest examples, sent from acme's number so that the sender's key reaches them. */
const messageRequests = () =>
  fixturesStarting('request-').map((body) => ({
    ...body,
    platformId: 'TEST_XA',
    platformPartnerId: '1',
    source: ACME_NUMBER,
    destinations: [M1, B2, P1, '0701234567', 'nope'],
  }));

const ACCOUNT = '/link/platformId/{platformId}/platformPartnerId/{platformPartnerId}/source/{source}';
const ACME_ACCOUNT = { platformId: 'TEST_XA', platformPartnerId: '1', source: ACME_NUMBER };
const OTP_BUTTONS = { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE' }] };
const CONTACT_BUTTONS = { type: 'buttons', buttons: [{ type: 'REQUEST_CONTACT_INFO', text: 'Share Contact Info' }] };
/** A media upload's fields as JSON: what these properties send (the upload itself is multipart, tested in link-pass-through). */
const mediaFields = () => [{ ...ACME_ACCOUNT, mediaContentType: 'image/png', media: 'x' }];

/** Valid bodies of each route that takes one: the fixtures of LINK's document, else hand-made ones. */
const BASES: Record<string, () => unknown[]> = {
  'post /link/mo/status': () => [
    { ...ACME_ACCOUNT, status: 'read', message_id: 'seed-1' },
    { ...ACME_ACCOUNT, status: 'read', message_id: 'seed-1', typing_indicator: { type: 'text' } },
  ],
  'post /link/media': mediaFields,
  'post /link/media/resumable': mediaFields,
  [`post ${ACCOUNT}/profile`]: () => [{ messaging_product: 'whatsapp', profile: { about: 'Butterflies', websites: ['https://x.se'] } }],
  [`put ${ACCOUNT}/templates`]: () => [
    { name: 'login_code', language: 'en_US', category: 'AUTHENTICATION', components: [{ type: 'BODY' }, OTP_BUTTONS] },
    { name: 'request_contact_info', language: 'en', category: 'utility', components: [{ type: 'body', text: 'Phone?' }, CONTACT_BUTTONS] },
  ],
  [`post ${ACCOUNT}/templates/{templateId}`]: () => [{ category: 'UTILITY' }, { components: [{ type: 'BODY' }, OTP_BUTTONS] }],
  'put /v1/portfolios/{portfolio}': () => [
    { ...ACME, group: 'nordics', sendPolicies: { careWindow: true, skipInvalid: false }, upstream: { username: 'u', password: 'p' } },
    { ...ACME, sendPolicies: { skipMarketingOptOut: true }, meta: ACME_META },
  ],
  'put /v1/portfolios/{portfolio}/contacts': () => [
    { contacts: [{ msisdn: M3, bsuid: 'SE.55555555555555555555', parentBsuid: P1, externalId: 'crm-1' }, { msisdn: M1 }] },
  ],
  'post /v1/portfolios/{portfolio}/contacts/resolve': () => [{ identifiers: [M1, B1, P1, '0709876543', 'nope', ''] }],
  'post /v1/portfolios/{portfolio}/conflicts/{id}/settle': () => [{ resolution: 'keep' }, { resolution: 'accept' }],
  'put /v1/portfolios/{portfolio}/templates/{name}': () => [
    { language: 'en_US', category: 'AUTHENTICATION', otpType: 'COPY_CODE' },
    { language: 'sv', category: 'MARKETING' },
  ],
  'put /v1/portfolios/{portfolio}/subscriptions/{name}': () => [
    { url: 'https://crm.example.com/hooks/contact-book', types: ['contact.linked', 'contact.relinked'], identifiers: 'masked' },
    { url: 'https://crm.example.com/hooks' },
  ],
  'post /v1/messages/dedupe': messageRequests,
  'post /link/messages': messageRequests,
  'post /webhooks/link/mo': () => fixturesStarting('mo-'),
  'post /webhooks/link/dlr': () => fixturesStarting('dlr-'),
  'post /webhooks/meta': metaFixtures,
};

/** Strings that have broken parsers before: blanks, placeholders, NULs, lone surrogates, bidi controls, huge ones. */
const ODD_STRINGS = [
  '',
  ' ',
  '\t\r\n',
  '\u0000',
  'a\u0000b',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e999',
  '0x10',
  '\ud800',
  '\udfff',
  '\u202e\u202d',
  '\ufeff',
  '😀',
  '𝕏'.repeat(300),
  'a'.repeat(5_000),
  '9'.repeat(400),
  '+',
  '+0',
  '+46',
  '+46 (0)70-123 45 67',
  '0046701234567',
  '000000000',
  'SE.',
  'SE.ENT.',
  'se.123',
  'XX.123',
  `SE.${'1'.repeat(129)}`,
  `SE.ENT.${'0'.repeat(20)}`,
  "'; DROP TABLE contact; --",
  '../../etc/passwd',
  '%00',
  '%zz',
  '<script>',
  '${jndi:ldap://x}',
  '__proto__',
  'constructor',
  'prototype',
  '[object Object]',
  '{}',
  '[]',
];
const ODD_NUMBERS = [0, -1, 1.5, -0.0001, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e308, -1e308, 5e-324];
const SPECIAL_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '', ' ', 'a.b', '$where'];

const oddString = fc.oneof(fc.constantFrom(...ODD_STRINGS), fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 20 }));
const oddNumber = fc.oneof(fc.constantFrom(...ODD_NUMBERS), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  oddString,
  oddNumber,
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
  fc.array(oddString, { maxLength: 4 }),
);

/** An object built key by key, so that "__proto__" becomes a key of its own, as JSON.parse makes it. */
function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) setOwn(object, key, value);
  return object;
}

function setOwn(target: object, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Objects with the route's own keys (and some special ones) holding values of the wrong type, rows of them too. */
function plausibleObject(keys: string[]): fc.Arbitrary<unknown> {
  const key = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: fc.constantFrom(...SPECIAL_KEYS) });
  const flat = fc.array(fc.tuple(key, wrongValue), { maxLength: 6 }).map(objectOf);
  return fc.array(fc.tuple(key, fc.oneof(wrongValue, fc.array(flat, { maxLength: 3 }), flat)), { maxLength: 6 }).map(objectOf);
}

/** Every place in a JSON value, as the keys and indexes that lead to it. */
function places(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [path, ...value.flatMap((item, index) => places(item, [...path, index]))];
  if (value !== null && typeof value === 'object')
    return [path, ...Object.entries(value).flatMap(([key, item]) => places(item, [...path, key]))];
  return [path];
}

interface Mutation {
  at: number;
  op: 'replace' | 'delete' | 'insert';
  key: string;
  value: unknown;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('replace', 'delete', 'insert'),
  key: fc.oneof(
    fc.constantFrom(...SPECIAL_KEYS),
    fc.constantFrom('customParameters', 'whatsappUserId', 'destination', 'source', 'contacts', 'destinations'),
    oddString,
  ),
  value: wrongValue,
});

/** A copy of `base` with each mutation applied in turn at one of its places. */
function mutate(base: unknown, mutations: Mutation[]): unknown {
  let root = JSON.parse(JSON.stringify(base)) as unknown;
  for (const change of mutations) {
    const all = places(root);
    const path = all[change.at % all.length];
    if (path.length === 0) {
      if (change.op === 'replace') root = change.value;
      else if (change.op === 'insert' && isObject(root)) setOwn(root, change.key, change.value);
      continue;
    }
    const parent = path.slice(0, -1).reduce<any>((node, step) => node[step], root);
    const last = path[path.length - 1];
    if (change.op === 'replace') setOwn(parent, last, change.value);
    else if (change.op === 'delete' && Array.isArray(parent)) parent.splice(last as number, 1);
    else if (change.op === 'delete') delete parent[last];
    else if (isObject(parent[last])) setOwn(parent[last], change.key, change.value);
    else if (Array.isArray(parent[last])) parent[last].push(change.value);
    else setOwn(parent, last, [parent[last], change.value]);
  }
  return root;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Percent-encodes the UTF-8 bytes of any string (a lone surrogate becomes U+FFFD, as a client would send it). */
function encode(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

/** Path segments sent as they are: bad percent-encoding, dot segments, one past the longest parameter. */
const RAW_SEGMENTS = ['%', '%zz', '%C3%28', '%E0%A4%A', '%FF', '..', '.', '%2e%2e', '%2F', 'a%2Fb', '%00', 'x'.repeat(2_100), '%20'];

/** Texts sent as application/json that are not JSON, or JSON a parser should refuse. */
const RAW_BODIES = [
  '',
  ' ',
  '{',
  '}',
  '{"a":',
  '{"a":1}}',
  "{'a':1}",
  '{a:1}',
  'nul',
  'NaN',
  'Infinity',
  'undefined',
  '[1,]',
  '{"a":1,}',
  '"\\ud800"',
  '"\\u0000"',
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"isAdmin":true}}}',
  '{"a":{"__proto__":[]}}',
  '\ufeff{}',
  '{"a":1}\u0000',
  '['.repeat(10_000),
  `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`,
  `"${'x'.repeat(1_100_000)}"`,
  `[${'1,'.repeat(20_000)}1]`,
];

const rawText = fc.oneof(
  fc.constantFrom(...RAW_BODIES),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.jsonValue().map((value) => JSON.stringify(value).slice(0, -1)),
  fc.tuple(fc.jsonValue(), fc.string({ maxLength: 5 })).map(([value, tail]) => `${JSON.stringify(value)}${tail}`),
);
const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/vnd.api+json',
  ),
  fc.constantFrom('', ';', 'application/ECONNREFUSED', 'application/json; charset=ECONNRESET', 'multipart/form-data; boundary=x'),
);

describe('every route of the OpenAPI document, under arbitrary input', () => {
  let t: TestApp;
  let link: FakeLink;
  let routes: Route[];
  let components: Record<string, Schema> = {};
  let messageNumber = 0;
  beforeAll(async () => {
    link = await startFakeLink();
    t = await createTestApp({ linkBaseUrl: link.baseUrl, linkUsername: 'link-user', linkPassword: 'link-pass', linkTimeoutMs: 2_000 });
    const document = (await request(t.http).get('/docs-json').auth(KEYS.admin, { type: 'bearer' }).expect(200)).body as {
      paths: Record<string, Record<string, Operation>>;
      components?: { schemas?: Record<string, Schema> };
    };
    components = document.components?.schemas ?? {};
    const paths = document.paths;
    routes = Object.entries(paths).flatMap(([template, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ method: method as Route['method'], template, operation })),
    );
  });
  afterAll(async () => {
    await t?.close();
    await link?.close();
  });

  /** acme and globex of one group; one person by phone, BSUID and parent; a merge to split; a conflict to settle; templates. */
  async function seed(): Promise<Seeded> {
    // A PUT may have configured `default`, which resetDatabase keeps: it starts bare again.
    await t.dataSource.query(`DELETE FROM portfolio WHERE key = 'default'`);
    await t.dataSource.query(`INSERT INTO portfolio (key) VALUES ('default')`);
    await t.resetDatabase();
    await t.putPortfolio('acme', { ...ACME, group: 'nordics', meta: ACME_META });
    await t.putPortfolio('globex', { ...GLOBEX, group: 'nordics' });
    await sendMo(t, mo(M1, { whatsappUserId: B1, whatsappParentUserId: P1 }, 'seed-1', '2026-06-01T10:00:00Z'));
    await sendMo(t, mo(M2, null, 'seed-2', '2026-06-01T10:00:00Z'));
    await sendMo(t, mo(B2, { whatsappUserId: B2 }, 'seed-3', '2026-06-01T10:01:00Z'));
    expect((await t.postDlr(acmeDlr(112006, { destination: M2, whatsappUserId: B2 }, 'seed-4', '2026-06-01T10:02:00Z'))).status).toBe(200);
    await sendMo(
      t,
      mo('+4790000001', { whatsappUserId: GLOBEX_B, whatsappParentUserId: P1 }, 'seed-5', '2026-06-01T10:00:00Z', GLOBEX_NUMBER),
    );
    const admin = (req: request.Test) => req.auth(KEYS.admin, { type: 'bearer' });
    await admin(request(t.http).put('/v1/portfolios/acme/contacts'))
      .send({ contacts: [{ msisdn: M3, bsuid: B1 }] })
      .expect(200);
    await admin(request(t.http).put('/v1/portfolios/acme/templates/login_code'))
      .send({ language: 'en', category: 'AUTHENTICATION', otpType: 'COPY_CODE' })
      .expect(201);
    await admin(request(t.http).put('/v1/portfolios/acme/templates/order_update'))
      .send({ language: 'en', category: 'UTILITY' })
      .expect(201);
    const ids = async (sql: string) => (await t.dataSource.query<{ id: string }[]>(sql)).map((row) => String(row.id));
    const seeded = {
      contactIds: await ids(`SELECT id FROM contact ORDER BY id`),
      historyIds: await ids(`SELECT id FROM link_history ORDER BY id`),
      mergeIds: await ids(`SELECT id FROM link_history WHERE action = 'merged' ORDER BY id`),
      conflictIds: await ids(`SELECT id FROM link_conflict ORDER BY id`),
    };
    expect(seeded.mergeIds).toHaveLength(1);
    expect(seeded.conflictIds).toHaveLength(1);
    return seeded;
  }

  /** A path value: mostly one the seed makes meaningful, else any string, else a raw segment. */
  function pathValue(name: string, seeded: Seeded): fc.Arbitrary<string> {
    const plausible: Record<string, string[]> = {
      portfolio: ['acme', 'acme', 'acme', 'acme', 'globex', 'default', 'nope'],
      identifier: [M1, B1, P1, M2, B2, M3, '+46 70-123 45 67', '0709876543', ...seeded.contactIds],
      entry: [...seeded.mergeIds, ...seeded.historyIds, '0', '999999999999999999', '9999999999999999999'],
      id: [...seeded.conflictIds, '0', '999999999999999999', '9999999999999999999'],
      group: ['nordics', 'none'],
      parentBsuid: [P1, B1, 'SE.ENT.1'],
      name: ['login_code', 'order_update', 'nope'],
      platformId: ['TEST_XA', 'TEST_XA', 'TEST_GX'],
      platformPartnerId: ['1', '1', '2'],
      source: [ACME_NUMBER, ACME_NUMBER, '0046000000000', GLOBEX_NUMBER],
      templateId: ['594425479261596', '1'],
      templateName: ['login_code', 'order_update'],
    };
    return fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...(plausible[name] ?? ['x'])).map(encode) },
      { weight: 2, arbitrary: oddString.map(encode) },
      { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
    );
  }

  /** A query string of the route's own parameters (and others), repeated or not, with plausible or odd values. */
  function queryString(route: Route): fc.Arbitrary<string> {
    const names = (route.operation.parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name);
    const name =
      names.length > 0 ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: oddString }) : oddString;
    const value = fc.oneof(
      fc.constantFrom(
        'true',
        'false',
        '1',
        '0',
        '-1',
        '1000',
        '1001',
        '1e3',
        'active',
        'invalid',
        'open',
        'kept',
        'accepted',
        'msisdn',
        'bsuid',
        'SE',
        '46',
        'en',
        'AUTHENTICATION',
        '2026-06-01T00:00:00Z',
        'yesterday',
        M1,
      ),
      oddString,
    );
    // Meta's handshake: its token and mode often enough that calls get past the token.
    const handshake = route.template === '/webhooks/meta';
    const valueOrMeta = handshake
      ? fc.oneof({ weight: 2, arbitrary: value }, { weight: 3, arbitrary: fc.constantFrom(ACME_META.verifyToken, 'subscribe') })
      : value;
    const pair = fc.oneof(
      { weight: 9, arbitrary: fc.tuple(name, valueOrMeta).map(([key, text]) => `${encode(key)}=${encode(text)}`) },
      { weight: 1, arbitrary: fc.constantFrom('%zz=1', 'limit[a]=1', 'limit[]=1', '&&', '=', 'a=%', `cursor=${'A'.repeat(3_000)}`) },
    );
    const arbitrary = fc.array(pair, { maxLength: 4 }).map((pairs) => (pairs.length === 0 ? '' : `?${pairs.join('&')}`));
    // Random pairs carry the right token and mode together too rarely for 30 runs to be sure of one:
    // a whole handshake, a third of the time, makes a call past the token all but certain.
    if (!handshake) return arbitrary;
    const valid = fc
      .stringMatching(/^[0-9]{1,12}$/)
      .map((challenge) => `?hub.mode=subscribe&hub.verify_token=${encode(ACME_META.verifyToken)}&hub.challenge=${challenge}`);
    return fc.oneof({ weight: 1, arbitrary: valid }, { weight: 2, arbitrary: arbitrary });
  }

  function pathOf(route: Route, seeded: Seeded): fc.Arbitrary<string> {
    const parts = route.template.split(/(\{\w+\})/).map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      return name ? pathValue(name, seeded) : fc.constant(part);
    });
    return fc.tuple(...parts).map((values) => values.join(''));
  }

  /** The route's own body keys from its schema, and those of the bodies LINK's document shows. */
  function bodyKeys(route: Route): string[] {
    const keys = new Set<string>();
    const seen = new Set<string>();
    const visit = (schema: Schema | undefined): void => {
      if (!schema) return;
      if (schema.$ref && !seen.has(schema.$ref)) {
        seen.add(schema.$ref);
        visit(componentSchema(schema.$ref));
      }
      Object.entries(schema.properties ?? {}).forEach(([key, property]) => (keys.add(key), visit(property)));
      visit(schema.items);
    };
    visit(route.operation.requestBody?.content['application/json']?.schema);
    for (const base of BASES[`${route.method} ${route.template}`]?.() ?? [])
      places(base).forEach((path) => path.forEach((step) => typeof step === 'string' && keys.add(step)));
    return keys.size > 0 ? [...keys] : ['x'];
  }

  const componentSchema = (ref: string) => components[ref.replace('#/components/schemas/', '')];

  /** JSON bodies: any JSON value, plausible keys with wrong-typed values, or a mutated valid body. */
  function jsonBody(route: Route): fc.Arbitrary<Call['body']> {
    const bases = BASES[`${route.method} ${route.template}`]?.() ?? [];
    const kinds: fc.WeightedArbitrary<unknown>[] = [
      { weight: 2, arbitrary: fc.jsonValue() },
      { weight: 3, arbitrary: plausibleObject(bodyKeys(route)) },
    ];
    if (bases.length > 0) {
      kinds.push({
        weight: 4,
        arbitrary: fc
          .tuple(fc.constantFrom(...bases), fc.array(mutation, { minLength: 1, maxLength: 3 }))
          .map(([base, changes]) => mutate(base, changes)),
      });
      kinds.push({ weight: 1, arbitrary: fc.constantFrom(...bases) });
    }
    return fc.oneof(...kinds).map((value) => ({ contentType: 'application/json', text: JSON.stringify(value) ?? 'null' }));
  }

  /** The key meant for the route: LINK's for webhooks, the sender's for the send pipeline, else the admin's. */
  function authorization(route: Route): string {
    const basic = (name: string, secret: string) => `Basic ${Buffer.from(`${name}:${secret}`).toString('base64')}`;
    if (route.template.startsWith('/webhooks/')) return basic('link', KEYS.webhook);
    if (route.template.startsWith('/link/') || route.template.startsWith('/v1/messages/')) return basic('acme-sender', KEYS.sender);
    return `Bearer ${KEYS.admin}`;
  }

  /**
   * Sends the call and checks the answer: no 5xx, a 4xx in LINK's ErrorResponse shape that changed no
   * table, a GET that changed none whatever its answer, and a process still alive.
   */
  async function probe(route: Route, call: Call): Promise<request.Response> {
    // LINK, where the call reaches it, accepts: the proxy and a sync then have something to work with.
    link.reset();
    if (route.template === '/link/messages') {
      link.enqueue({
        body: { resultCode: 112001, description: 'queued', messageIds: Array.from({ length: 8 }, () => `msg-${++messageNumber}`) },
      });
    } else if (route.template === '/v1/messages/dedupe') {
      // Dedupe asks LINK only to refresh the registry for an unknown template: a sync of its own, which
      // a 400 for the request does not undo. LINK is down for it here, so a 4xx shows the request's own writes.
      link.enqueue({ status: 503, body: { resultCode: 112503, description: 'unavailable', translatedDescription: null } });
    } else {
      link.enqueue({
        body: {
          data: [
            {
              name: 'login_code',
              language: 'en',
              category: 'AUTHENTICATION',
              status: 'APPROVED',
              components: [{ type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE' }] }],
            },
          ],
        },
      });
    }
    const before = await snapshotDatabase(t.dataSource);
    let req = (request(t.http) as unknown as Record<string, (url: string) => request.Test>)
      [call.method](call.path + call.query)
      .set('Authorization', authorization(route));
    // Meta signs its webhooks with the app secret instead of sending a key: every body here is signed.
    if (route.template === '/webhooks/meta' && call.body) req = req.set('X-Hub-Signature-256', metaSignature(call.body.text));
    if (call.body) req = req.set('Content-Type', call.body.contentType).send(call.body.text);
    const res = await req;
    const what = `${call.method.toUpperCase()} ${call.path.slice(0, 300)}${call.query.slice(0, 300)} answered ${res.status} ${res.text.slice(0, 300)}`;
    if (res.status >= 500 || res.status < 200) throw new Error(`no 5xx: ${what}`);
    if (res.status >= 400) expectLinkError(res.status, res.body, what);
    if (res.status >= 400 || call.method === 'get') {
      const changed = changedTables(before, await snapshotDatabase(t.dataSource));
      if (changed.length > 0) throw new Error(`nothing written: ${what}, yet ${changed.join(', ')} changed`);
    } else if (route.template === '/link/messages') {
      await settledSnapshot(t.dataSource); // the proxy records its sends after answering
    }
    const live = await request(t.http).get('/health/live');
    if (live.status !== 200) throw new Error(`still serving after ${what}: /health/live answered ${live.status}`);
    return res;
  }

  /** Runs the property of one route, naming the route in a failure (fast-check's message keeps the seed). */
  async function assertOnRoute(route: Route, property: fc.IAsyncProperty<[Call]>, numRuns: number): Promise<void> {
    try {
      await fc.assert(property, { numRuns });
    } catch (error) {
      throw new Error(`${route.method.toUpperCase()} ${route.template}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Calls to the route, printed short in a counterexample (a body may be a megabyte). */
  function callOf(
    route: Route,
    parts: { path: fc.Arbitrary<string>; query: fc.Arbitrary<string>; body: fc.Arbitrary<Call['body']> },
  ): fc.Arbitrary<Call> {
    return fc.record(parts).map((call) => ({
      method: route.method,
      ...call,
      [fc.toStringMethod]: () =>
        JSON.stringify({
          method: route.method,
          path: call.path,
          query: call.query,
          body: call.body && { ...call.body, text: call.body.text.slice(0, 2_000) },
        }).slice(0, 6_000),
    }));
  }

  const takesBody = (route: Route) => route.operation.requestBody !== undefined;

  it('finds the routes to walk in the OpenAPI document', async () => {
    expect(routes.length).toBeGreaterThan(20);
    // Every documented body has valid examples to mutate, so that mutations reach past validation.
    expect(
      routes
        .filter(takesBody)
        .map((route) => `${route.method} ${route.template}`)
        .sort(),
    ).toEqual(Object.keys(BASES).sort());
  });

  it('sees a write to any table in its snapshot, and a read in none', async () => {
    await seed();
    const before = await snapshotDatabase(t.dataSource);
    await request(t.http)
      .get(`/v1/portfolios/acme/contacts/${encodeURIComponent(M1)}`)
      .auth(KEYS.admin, { type: 'bearer' })
      .expect(200);
    expect(changedTables(before, await snapshotDatabase(t.dataSource))).toEqual([]);
    await sendMo(t, mo(M1, null, 'snapshot-1', '2026-06-02T10:00:00Z'));
    expect(changedTables(before, await snapshotDatabase(t.dataSource))).toEqual([
      'contact',
      'contact_exchange',
      'graph_observation',
      'webhook_receipt',
    ]);
    await t.dataSource.query(`UPDATE migrations SET name = name || '' WHERE false`);
    await t.dataSource.query(
      `INSERT INTO template (portfolio, name, language, category, source) VALUES ('acme', 'x', 'en', 'UTILITY', 'admin')`,
    );
    expect(changedTables(before, await snapshotDatabase(t.dataSource))).toEqual([
      'contact',
      'contact_exchange',
      'graph_observation',
      'template',
      'webhook_receipt',
    ]);
  });

  it('answers arbitrary path and query parameters, with or without a valid body, with a 2xx or a LINK error', async () => {
    for (const route of routes) {
      const seeded = await seed();
      const body = takesBody(route) ? fc.option(jsonBody(route), { nil: undefined, freq: 3 }) : fc.constant(undefined);
      const statuses = new Set<number>();
      const property = fc.asyncProperty(
        callOf(route, { path: pathOf(route, seeded), query: queryString(route), body }),
        async (call: Call) => void statuses.add((await probe(route, call)).status),
      );
      await assertOnRoute(route, property, RUNS_PER_ROUTE);
      // The key is one the route lets in: some call got past authorization.
      expect({ route: route.template, passedAuth: [...statuses].some((status) => status !== 401 && status !== 403) }).toEqual({
        route: route.template,
        passedAuth: true,
      });
    }
  }, 300_000);

  it('answers arbitrary JSON bodies, plausible keys with wrong types and mutated fixtures with a 2xx or a LINK error', async () => {
    for (const route of routes.filter(takesBody)) {
      const seeded = await seed();
      const path = pathOf(route, seeded);
      const property = fc.asyncProperty(
        callOf(route, {
          path: fc.oneof({ weight: 4, arbitrary: fc.constant(plainPath(route, seeded)) }, { weight: 1, arbitrary: path }),
          query: fc.constant(''),
          body: jsonBody(route),
        }),
        async (call: Call) => void (await probe(route, call)),
      );
      await assertOnRoute(route, property, BODY_RUNS_PER_ROUTE);
    }
  }, 300_000);

  it('answers raw bodies that are not JSON, under any content type, with a 2xx or a LINK error', async () => {
    for (const route of routes.filter(takesBody)) {
      const seeded = await seed();
      const property = fc.asyncProperty(
        callOf(route, {
          path: fc.constant(plainPath(route, seeded)),
          query: fc.constant(''),
          body: fc.record({
            contentType: fc.oneof({ weight: 4, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: contentType }),
            text: rawText,
          }),
        }),
        async (call: Call) => void (await probe(route, call)),
      );
      await assertOnRoute(route, property, RUNS_PER_ROUTE);
    }
  }, 300_000);

  describe('the identifier parser, through GET …/contacts/{identifier}', () => {
    const lookUp = () =>
      routes.find((route) => route.method === 'get' && route.template === '/v1/portfolios/{portfolio}/contacts/{identifier}') as Route;
    const get = (identifier: string): Call => ({ method: 'get', path: `/v1/portfolios/acme/contacts/${encode(identifier)}`, query: '' });
    const digits = (alphabet: string, maxLength: number) =>
      fc.array(fc.constantFrom(...alphabet), { maxLength }).map((chars) => chars.join(''));
    /** Phone-like and BSUID-like text, near misses included, and anything else. */
    const identifierLike = fc.oneof(
      oddString,
      fc.string({ unit: 'binary', maxLength: 60 }),
      digits('0123456789 +-().\u00a0/', 20),
      fc
        .tuple(fc.constantFrom('+46', '0046', '46', '0', '+1', '+999', '+'), digits('0123456789', 14))
        .map(([prefix, rest]) => prefix + rest),
      fc
        .tuple(
          fc.constantFrom('SE', 'se', 'XX', 'US', 'NO', 'S'),
          fc.constantFrom('.', '.ENT.', '..', '.ent.', ''),
          digits('0123456789abcXYZ.', 140),
        )
        .map((parts) => parts.join('')),
      fc.uuid(),
    );

    it('answers any string with the contact, 404 or a 400 naming the identifier, and writes nothing', async () => {
      await seed();
      const property = fc.asyncProperty(identifierLike, async (identifier) => {
        const res = await probe(lookUp(), get(identifier)); // the shape, nothing written, still serving
        const what = `GET ${JSON.stringify(identifier.slice(0, 200))} answered ${res.status} ${res.text.slice(0, 300)}`;
        // 414: longer than any identifier, refused before the route runs.
        if (![200, 400, 404, 414].includes(res.status)) throw new Error(`200, 400, 404 or 414: ${what}`);
        if (res.status === 200 && !(res.body.portfolio === 'acme' && /^[0-9a-f-]{36}$/.test(res.body.id)))
          throw new Error(`an acme contact: ${what}`);
        if (res.status === 400 && !(res.body.resultCode === 112506 && res.body.fields?.[0]?.field === 'identifier'))
          throw new Error(`a validation error naming the identifier: ${what}`);
      });
      await fc.assert(property, { numRuns: IDENTIFIER_RUNS });
    }, 120_000);

    it('finds the same contact by a phone number in any accepted form', async () => {
      await seed();
      const id = (await request(t.http).get(get(M1).path).auth(KEYS.admin, { type: 'bearer' }).expect(200)).body.id;
      const written = fc.tuple(
        fc.constantFrom(
          M1,
          '0046701234567',
          '46701234567',
          '0701234567',
          '+46 70-123 45 67',
          '+46 (0)70 123 45 67',
          '070-123 45 67',
          '+46.70.123.45.67',
        ),
        fc.constantFrom('', ' ', '\t', '\u00a0'),
        fc.constantFrom('', ' ', '\n'),
      );
      const property = fc.asyncProperty(written, async ([form, before, after]) => {
        const res = await request(t.http)
          .get(get(`${before}${form}${after}`).path)
          .auth(KEYS.admin, { type: 'bearer' });
        expect({ form, status: res.status, id: res.body.id }).toEqual({ form, status: 200, id });
      });
      await fc.assert(property, { numRuns: 30 });
    });
  });

  /** The route's path with the seed's own values: acme, its first person, the merge, the conflict, a template. */
  function plainPath(route: Route, seeded: Seeded): string {
    const values: Record<string, string> = {
      portfolio: 'acme',
      identifier: M1,
      entry: seeded.mergeIds[0],
      id: seeded.conflictIds[0],
      group: 'nordics',
      parentBsuid: P1,
      name: 'login_code',
    };
    return route.template.replace(/\{(\w+)\}/g, (_, name: string) => encode(values[name] ?? 'x'));
  }
});

/** LINK's ErrorResponse, with the resultCode its status calls for. */
const CODES_BY_STATUS: Record<number, number[]> = {
  400: [112402, 112505, 112506],
  401: [112400],
  403: [112401],
  404: [112904],
  409: [112909],
  413: [112913],
  414: [112402],
  415: [112505],
  429: [112929],
};

function expectLinkError(status: number, body: unknown, what: string): void {
  const problems: string[] = [];
  if (!isObject(body)) {
    problems.push('the body is not a JSON object');
  } else {
    const { resultCode, description, translatedDescription, fields, destinations, ...rest } = body;
    if (!(CODES_BY_STATUS[status] ?? Object.values(CODES_BY_STATUS).flat()).includes(resultCode as number))
      problems.push(`resultCode ${String(resultCode)} does not fit ${status}`);
    if (typeof description !== 'string' || description === '') problems.push('description is not a non-empty string');
    if (translatedDescription !== null) problems.push('translatedDescription is not null');
    const fieldList = fields as unknown[] | undefined;
    if (
      fieldList !== undefined &&
      !(
        Array.isArray(fieldList) &&
        fieldList.length > 0 &&
        fieldList.every((field) => isObject(field) && typeof field.field === 'string' && typeof field.message === 'string')
      )
    ) {
      problems.push('fields is not a list of {field, message}');
    }
    if (resultCode === 112506 && fieldList === undefined) problems.push('a validation error names no field');
    // The send pipeline's 400 when nothing is left to send carries the report of its destinations, every one rejected.
    const report = destinations as unknown[] | undefined;
    if (
      report !== undefined &&
      !(resultCode === 112506 && Array.isArray(report) && report.every((entry) => isObject(entry) && entry.action === 'rejected'))
    ) {
      problems.push('destinations is not a report of rejected destinations');
    }
    if (Object.keys(rest).length > 0) problems.push(`unexpected keys ${Object.keys(rest).join(', ')}`);
  }
  if (problems.length > 0) throw new Error(`a LINK ErrorResponse: ${what}: ${problems.join('; ')}`);
}
