import request from 'supertest';
import { messageRequest, mo, sendMo } from '../support/link-builders';
import { ACME_META, ACME_META_SECRET, ACME_PHONE_ID, metaFixture, metaSignature, postMeta } from '../support/meta-builders';
import { ACME, ACME_NUMBER, GLOBEX, GLOBEX_NUMBER, resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

const M = '+46701234567';
const B = 'SE.13491208655302741918';
const P = 'SE.ENT.11815799212886844830';
const M2 = '+46709876543';
const B2 = 'SE.24681357924681357924';
const P2 = 'SE.ENT.22226666999911113333';
const GLOBEX_SECRET = 'globex-meta-app-secret';
const ACME_WITH_META = { ...ACME, meta: ACME_META };
const GLOBEX_META = {
  ...GLOBEX,
  meta: { verifyToken: 'globex-verify-token', appSecret: GLOBEX_SECRET, phoneNumbers: [{ number: GLOBEX_NUMBER, phoneNumberId: '2222' }] },
};

describe("Meta's webhooks (WhatsApp Cloud API)", () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  beforeEach(async () => {
    await resetWithAcmeAndGlobex(t);
    await t.putPortfolio('acme', ACME_WITH_META);
    await t.putPortfolio('globex', GLOBEX_META);
  });
  afterAll(() => t.close());

  const contact = (identifier: string) =>
    request(t.http)
      .get(`/v1/portfolios/acme/contacts/${encodeURIComponent(identifier)}`)
      .auth(KEYS.admin, { type: 'bearer' });
  const history = (identifier: string) =>
    request(t.http)
      .get(`/v1/portfolios/acme/contacts/${encodeURIComponent(identifier)}/history`)
      .auth(KEYS.admin, { type: 'bearer' });
  const count = async (table: string) => Number((await t.dataSource.query(`SELECT count(*) AS n FROM ${table}`))[0].n);

  describe('GET /webhooks/meta: the verification handshake', () => {
    it("echoes hub.challenge as text for a portfolio's verify token", async () => {
      const res = await request(t.http).get(
        '/webhooks/meta?hub.mode=subscribe&hub.verify_token=globex-verify-token&hub.challenge=1158201444',
      );
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toBe('1158201444');
    });

    it.each([
      ['a wrong token', 'hub.mode=subscribe&hub.verify_token=nope-nope-nope&hub.challenge=1', 401, 112400],
      ['no token', 'hub.mode=subscribe&hub.challenge=1', 401, 112400],
      ['another mode', 'hub.mode=unsubscribe&hub.verify_token=acme-verify-token&hub.challenge=1', 400, 112506],
      ['no challenge', 'hub.mode=subscribe&hub.verify_token=acme-verify-token', 400, 112506],
    ])("refuses %s in LINK's ErrorResponse", async (_, query, status, resultCode) => {
      const res = await request(t.http).get(`/webhooks/meta?${query}`);
      expect(res.status).toBe(status);
      expect(res.body).toEqual(expect.objectContaining({ resultCode, description: expect.any(String), translatedDescription: null }));
    });
  });

  describe('POST /webhooks/meta: the signature', () => {
    it('refuses an unsigned or wrongly signed body (401) and writes nothing', async () => {
      const body = JSON.stringify(metaFixture('messages-text-phone-bsuid-parent'));
      const unsigned = await request(t.http).post('/webhooks/meta').set('Content-Type', 'application/json').send(body);
      const wrong = await request(t.http)
        .post('/webhooks/meta')
        .set('Content-Type', 'application/json')
        .set('X-Hub-Signature-256', metaSignature(`${body} `))
        .send(body);
      const bearer = await request(t.http)
        .post('/webhooks/meta')
        .auth(KEYS.webhook, { type: 'bearer' })
        .set('Content-Type', 'application/json')
        .send(body);
      for (const res of [unsigned, wrong, bearer]) {
        expect(res.status).toBe(401);
        expect(res.body).toEqual(expect.objectContaining({ resultCode: 112400, translatedDescription: null }));
      }
      expect(await count('contact')).toBe(0);
      expect(await count('webhook_receipt')).toBe(0);
    });

    it('checks the signature over the bytes sent, whitespace and all', async () => {
      const text = JSON.stringify(metaFixture('messages-text-phone-bsuid-parent'), null, 3);
      const res = await postMeta(t, text);
      expect(res.status).toBe(200);
      expect(await t.contactsOf('acme')).toEqual([{ id: expect.any(String), msisdn: M, bsuid: B, parentBsuid: P }]);
    });

    it.each([
      ['garbage', '{"object":', 112505],
      ['not a Meta webhook', { object: 'page', entry: [] }, 112506],
      ['an entry without changes', { object: 'whatsapp_business_account', entry: [{ id: '1' }] }, 112506],
    ])('answers a signed body that is %s with 400 and writes nothing', async (_, body, resultCode) => {
      const res = await postMeta(t, body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(expect.objectContaining({ resultCode, translatedDescription: null }));
      expect(await count('contact')).toBe(0);
      expect(await count('webhook_receipt')).toBe(0);
    });

    it('leaves an event it cannot read, counted, and applies the rest of the POST', async () => {
      const body = metaFixture('messages-text-phone-bsuid-parent');
      const value = body.entry[0].changes[0].value;
      value.messages.push({ id: 'w-bad-bsuid', timestamp: '1780308000', from_user_id: 'SE.' });
      value.statuses = [
        { id: 'w-group', status: 'sent', timestamp: '1780308000', recipient_id: '120363025246125888@g.us', recipient_user_id: B2 },
      ];
      value.user_preferences = [{ category: 'marketing_messages', value: 'maybe', user_id: B, timestamp: 1780308000 }];
      const res = await postMeta(t, body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        applied: 1,
        duplicate: 0,
        ignored: 0,
        invalid: 3,
        unattributed: 0,
        otherFields: 0,
        contactIds: [expect.any(String)],
      });
      expect(await t.contactsOf('acme')).toEqual([{ id: expect.any(String), msisdn: M, bsuid: B, parentBsuid: P }]);
      expect((await contact(B)).body).toEqual(expect.objectContaining({ username: '@anna.s', marketing: null }));
      // Meta's retry of the same bytes: the good event is a redelivery, the bad ones are left again.
      expect((await postMeta(t, body)).body).toEqual(expect.objectContaining({ applied: 0, duplicate: 1, invalid: 3 }));
    });

    it('leaves only the status whose shared contacts entry names another BSUID', async () => {
      const body = metaFixture('statuses-read-phone-hidden');
      const value = body.entry[0].changes[0].value;
      value.statuses.push({ ...value.statuses[0], id: 'wamid.other', recipient_user_id: B2 });
      value.contacts[0].profile.username = '@anna.s';
      const res = await postMeta(t, body);
      expect(res.body).toEqual(expect.objectContaining({ applied: 1, invalid: 1 }));
      expect(await t.contactsOf('acme')).toEqual([{ id: expect.any(String), msisdn: null, bsuid: B, parentBsuid: P }]);
    });

    it('leaves a value whose display number is not the number its phone number id is mapped to', async () => {
      const wrong = metaFixture('messages-text-phone-bsuid-parent');
      wrong.entry[0].changes[0].value.metadata = { display_phone_number: '15550000000', phone_number_id: ACME_PHONE_ID };
      expect((await postMeta(t, wrong)).body).toEqual(expect.objectContaining({ applied: 0, unattributed: 1 }));
      expect(await count('contact')).toBe(0);
      // The same number written otherwise is the same number.
      const written = metaFixture('messages-text-phone-bsuid-parent');
      written.entry[0].changes[0].value.metadata = { display_phone_number: '+46 00-000 00 00', phone_number_id: ACME_PHONE_ID };
      expect((await postMeta(t, written)).body).toEqual(expect.objectContaining({ applied: 1, unattributed: 0 }));
    });

    it('leaves a number no portfolio owns, or one signed with another portfolio’s secret, and says so (200)', async () => {
      const unknown = metaFixture('messages-text-phone-bsuid-parent');
      unknown.entry[0].changes[0].value.metadata = { display_phone_number: '15550000000', phone_number_id: '999' };
      const res = await postMeta(t, unknown);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ applied: 0, duplicate: 0, ignored: 0, invalid: 0, unattributed: 1, otherFields: 0, contactIds: [] });
      const foreign = await postMeta(t, metaFixture('messages-text-phone-bsuid-parent'), GLOBEX_SECRET);
      expect(foreign.body).toEqual(expect.objectContaining({ applied: 0, unattributed: 1 }));
      expect(await count('contact')).toBe(0);
    });
  });

  describe('what the webhooks teach', () => {
    it('learns phone, BSUID, parent and username from a message, once however often it comes', async () => {
      const body = metaFixture('messages-text-phone-bsuid-parent');
      const res = await postMeta(t, body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        applied: 1,
        duplicate: 0,
        ignored: 0,
        invalid: 0,
        unattributed: 0,
        otherFields: 0,
        contactIds: [expect.any(String)],
      });
      const again = await postMeta(t, body);
      expect(again.body).toEqual(expect.objectContaining({ applied: 0, duplicate: 1 }));
      const found = await contact(M);
      expect(found.body).toEqual(
        expect.objectContaining({
          msisdn: M,
          bsuid: B,
          parentBsuid: P,
          username: '@anna.s',
          marketing: null,
          lastInboundAt: '2026-06-01T10:00:00.000Z',
        }),
      );
      const rows = (await history(M)).body.items;
      expect(rows.filter((row: { action: string }) => row.action === 'linked')).toHaveLength(3);
      expect(rows[0].evidence).toEqual({
        kind: 'MO',
        messageId: body.entry[0].changes[0].value.messages[0].id,
        businessNumber: ACME_NUMBER,
      });
    });

    it('finds the person by BSUID when the phone is hidden, and keeps the latest username', async () => {
      await postMeta(t, metaFixture('messages-text-phone-bsuid-parent')).expect(200);
      const hidden = metaFixture('messages-text-phone-hidden');
      hidden.entry[0].changes[0].value.contacts[0].profile.username = '@anna.new';
      await postMeta(t, hidden).expect(200);
      expect(await t.contactsOf('acme')).toEqual([{ id: expect.any(String), msisdn: M, bsuid: B, parentBsuid: P }]);
      expect((await contact(B)).body.username).toBe('@anna.new');
    });

    it('learns from delivered and read statuses, never from a failed one', async () => {
      await postMeta(t, metaFixture('statuses-delivered-phone-bsuid-parent')).expect(200);
      await postMeta(t, metaFixture('statuses-read-phone-hidden')).expect(200);
      const failed = await postMeta(t, metaFixture('statuses-failed'));
      expect(failed.body).toEqual(expect.objectContaining({ applied: 1 }));
      expect(await t.contactsOf('acme')).toEqual([{ id: expect.any(String), msisdn: M, bsuid: B, parentBsuid: P }]);
      expect((await contact(B)).body).toEqual(expect.objectContaining({ lastOutboundAt: '2026-06-01T10:03:00.000Z', username: '@anna.s' }));
    });

    it('moves the person to a new number and BSUID on user_changed_number, the old BSUID kept as past', async () => {
      await postMeta(t, metaFixture('messages-text-phone-bsuid-parent')).expect(200);
      const res = await postMeta(t, metaFixture('system-user-changed-number'));
      expect(res.body).toEqual(expect.objectContaining({ applied: 1 }));
      const [person] = await t.contactsOf('acme');
      expect(await t.contactsOf('acme')).toEqual([{ id: person.id, msisdn: M2, bsuid: B2, parentBsuid: P2 }]);
      const rows = (await history(B2)).body.items as { action: string; field: string; from: string; evidence: { kind: string } }[];
      expect(rows).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            action: 'unlinked',
            field: 'bsuid',
            from: B,
            evidence: expect.objectContaining({ kind: 'USER_CHANGED_NUMBER' }),
          }),
          expect.objectContaining({ action: 'unlinked', field: 'msisdn', from: M }),
        ]),
      );
      // The send pipeline still knows the past BSUID as this person.
      const dedupe = await request(t.http)
        .post('/v1/messages/dedupe')
        .auth(KEYS.sender, { type: 'bearer' })
        .send(messageRequest([B, B2]));
      expect(dedupe.status).toBe(200);
      expect(dedupe.body.destinations).toEqual([
        expect.objectContaining({ input: B, action: 'duplicate', duplicateOf: B2 }),
        expect.objectContaining({ input: B2, action: 'send' }),
      ]);
    });

    it("tells a CRM reading the events that the person's old phone and BSUID left and the new ones came", async () => {
      await postMeta(t, metaFixture('messages-text-phone-bsuid-parent')).expect(200);
      const events = () => request(t.http).get('/v1/portfolios/acme/events?limit=1000').auth(KEYS.crm, { type: 'bearer' });
      const before = await events();
      await postMeta(t, metaFixture('system-user-changed-number')).expect(200);
      const after = await events();
      const [person] = await t.contactsOf('acme');
      type Event = { type: string; contactId: string; field: string; value: string; evidence: { kind: string } };
      const change = (after.body.items as Event[]).slice(before.body.items.length);
      expect(change.map((e) => [e.type, e.contactId, e.field, e.value, e.evidence.kind]).sort()).toEqual(
        [
          ['contact.linked', person.id, 'bsuid', B2, 'USER_CHANGED_NUMBER'],
          ['contact.linked', person.id, 'msisdn', M2, 'USER_CHANGED_NUMBER'],
          ['contact.linked', person.id, 'parentBsuid', P2, 'USER_CHANGED_NUMBER'],
          ['contact.unlinked', person.id, 'bsuid', B, 'USER_CHANGED_NUMBER'],
          ['contact.unlinked', person.id, 'msisdn', M, 'USER_CHANGED_NUMBER'],
          ['contact.unlinked', person.id, 'parentBsuid', P, 'USER_CHANGED_NUMBER'],
        ].sort(),
      );
    });

    it('merges the contact that already held the new BSUID on user_changed_user_id', async () => {
      await postMeta(t, metaFixture('messages-text-phone-bsuid-parent')).expect(200);
      const newer = metaFixture('messages-text-phone-hidden');
      newer.entry[0].changes[0].value.contacts[0].user_id = B2;
      newer.entry[0].changes[0].value.messages[0].from_user_id = B2;
      await postMeta(t, newer).expect(200);
      expect(await t.contactsOf('acme')).toHaveLength(2);
      await postMeta(t, metaFixture('system-user-changed-user-id')).expect(200);
      // The BSUID changed with a number not shared: the old number leaves the person.
      expect(await t.contactsOf('acme')).toEqual([{ id: expect.any(String), msisdn: null, bsuid: B2, parentBsuid: P }]);
    });

    it('finds a person known only by phone by the old number (`from`) when the previous BSUID was never seen', async () => {
      const id = await sendMo(t, mo(M, null, 'mo-phone-only', '2026-06-01T09:00:00Z'));
      const res = await postMeta(t, metaFixture('system-user-changed-number'));
      expect(res.body).toEqual(expect.objectContaining({ applied: 1, contactIds: [id] }));
      expect(await t.contactsOf('acme')).toEqual([{ id, msisdn: M2, bsuid: B2, parentBsuid: P2 }]);
      expect((await contact(M)).status).toBe(404);
    });

    it('keeps a late message with the previous phone and BSUID from bringing them back (rule 5)', async () => {
      await postMeta(t, metaFixture('messages-text-phone-bsuid-parent')).expect(200);
      await postMeta(t, metaFixture('system-user-changed-number')).expect(200);
      const late = metaFixture('messages-text-phone-bsuid-parent');
      const message = late.entry[0].changes[0].value.messages[0];
      message.id = 'wamid.late-before-the-change';
      message.timestamp = '1780350000'; // between the first message and the change
      expect((await postMeta(t, late)).body).toEqual(expect.objectContaining({ applied: 1 }));
      expect(await t.contactsOf('acme')).toEqual([{ id: expect.any(String), msisdn: M2, bsuid: B2, parentBsuid: P2 }]);
    });

    it('gives the same people whatever order a change and a later message with the previous BSUID arrive in (rule 5)', async () => {
      const later = metaFixture('messages-text-phone-hidden');
      later.entry[0].changes[0].value.messages[0].id = 'wamid.after-the-change';
      later.entry[0].changes[0].value.messages[0].timestamp = '1780400000'; // after the change
      const people = async () => (await t.contactsOf('acme')).map(({ msisdn, bsuid, parentBsuid }) => ({ msisdn, bsuid, parentBsuid }));
      await postMeta(t, metaFixture('messages-text-phone-bsuid-parent')).expect(200);
      await postMeta(t, metaFixture('system-user-changed-number')).expect(200);
      await postMeta(t, later).expect(200);
      const inOrder = await people();

      await resetWithAcmeAndGlobex(t);
      await t.putPortfolio('acme', ACME_WITH_META);
      await postMeta(t, metaFixture('messages-text-phone-bsuid-parent')).expect(200);
      await postMeta(t, later).expect(200);
      await postMeta(t, metaFixture('system-user-changed-number')).expect(200); // late: the previous BSUID changed after it
      expect(await people()).toEqual(expect.arrayContaining(inOrder));
      expect(await people()).toHaveLength(inOrder.length);
    });

    it('joins the contact of the new BSUID when the change arrives after a message with it (rule 5)', async () => {
      await postMeta(t, metaFixture('messages-text-phone-bsuid-parent')).expect(200);
      const newer = metaFixture('messages-text-phone-hidden');
      newer.entry[0].changes[0].value.contacts[0].user_id = B2;
      newer.entry[0].changes[0].value.messages[0].from_user_id = B2;
      newer.entry[0].changes[0].value.messages[0].timestamp = '1780400000'; // after the change
      await postMeta(t, newer).expect(200);
      await postMeta(t, metaFixture('system-user-changed-user-id')).expect(200);
      // The BSUID changed with a number not shared: the old number leaves the person.
      expect(await t.contactsOf('acme')).toEqual([{ id: expect.any(String), msisdn: null, bsuid: B2, parentBsuid: P }]);
    });

    it('links the phone of a card shared through REQUEST_CONTACT_INFO, and only claims a forwarded one', async () => {
      await postMeta(t, metaFixture('messages-contacts-forwarded-card')).expect(200);
      expect(await t.contactsOf('acme')).toEqual([{ id: expect.any(String), msisdn: null, bsuid: B, parentBsuid: null }]);
      expect(await count('link_conflict')).toBe(1);
      await postMeta(t, metaFixture('messages-contacts-contact-request')).expect(200);
      expect(await t.contactsOf('acme')).toEqual([{ id: expect.any(String), msisdn: M, bsuid: B, parentBsuid: P }]);
    });

    it('keeps the latest marketing choice by event time, whatever order it arrives in', async () => {
      await postMeta(t, metaFixture('messages-text-phone-bsuid-parent')).expect(200);
      await postMeta(t, metaFixture('user-preferences-resume-phone-hidden')).expect(200);
      await postMeta(t, metaFixture('user-preferences-stop')).expect(200); // older: the resume stays
      expect((await contact(M)).body.marketing).toEqual({ optedOut: false, at: '2026-06-01T10:08:00.000Z' });
      const later = metaFixture('user-preferences-stop');
      later.entry[0].changes[0].value.user_preferences[0].timestamp = 1780308600;
      await postMeta(t, later).expect(200);
      expect((await contact(M)).body.marketing).toEqual({ optedOut: true, at: '2026-06-01T10:10:00.000Z' });
    });

    it('skips a user who stopped marketing messages when a marketing template goes out (MARKETING_OPT_OUT)', async () => {
      await request(t.http)
        .put('/v1/portfolios/acme/templates/spring_sale')
        .auth(KEYS.admin, { type: 'bearer' })
        .send({ language: 'en', category: 'MARKETING' })
        .expect(201);
      await postMeta(t, metaFixture('messages-text-phone-bsuid-parent')).expect(200);
      await postMeta(t, metaFixture('user-preferences-stop')).expect(200);
      const marketing = {
        ...messageRequest([B, '+46705550000']),
        messages: [{ type: 'template', template: { name: 'spring_sale', language: { code: 'en' } } }],
      };
      const dedupe = (body: object, query = '') =>
        request(t.http).post(`/v1/messages/dedupe${query}`).auth(KEYS.sender, { type: 'bearer' }).send(body);
      // Off by default, as every optional send policy: the portfolio turns it on.
      expect((await dedupe(marketing)).body.destinations[0]).toEqual(expect.objectContaining({ input: B, action: 'send' }));
      expect((await dedupe(marketing, '?skipMarketingOptOut=true')).body.destinations[0]).toEqual(
        expect.objectContaining({ action: 'rejected', code: 'MARKETING_OPT_OUT' }),
      );
      await t.putPortfolio('acme', { ...ACME_WITH_META, sendPolicies: { skipMarketingOptOut: true } });
      const skipped = await dedupe(marketing);
      expect(skipped.status).toBe(200);
      expect(skipped.body.request.destinations).toEqual(['+46705550000']);
      expect(skipped.body.destinations[0]).toEqual(
        expect.objectContaining({ input: B, action: 'rejected', code: 'MARKETING_OPT_OUT', reason: expect.any(String) }),
      );
      // A text message is no marketing template; and the request may turn the policy off.
      expect((await dedupe(messageRequest([B]))).body.destinations[0]).toEqual(expect.objectContaining({ action: 'send' }));
      expect((await dedupe(marketing, '?skipMarketingOptOut=false')).body.destinations[0]).toEqual(
        expect.objectContaining({ action: 'send' }),
      );
    });

    it('keeps the opt-out and username through user_changed_number, and carries none to the recycled phone', async () => {
      await postMeta(t, metaFixture('messages-text-phone-bsuid-parent')).expect(200);
      await postMeta(t, metaFixture('user-preferences-stop')).expect(200);
      await postMeta(t, metaFixture('system-user-changed-number')).expect(200);
      const moved = (await contact(B2)).body;
      expect(moved).toEqual(expect.objectContaining({ msisdn: M2, bsuid: B2, username: '@anna.s' }));
      expect(moved.marketing).toEqual({ optedOut: true, at: expect.any(String) });
      // Delivered again: the same facts, nothing moves twice.
      await postMeta(t, metaFixture('system-user-changed-number')).expect(200);
      expect((await contact(B2)).body.marketing).toEqual(moved.marketing);

      // The old number passes to somebody else, with a BSUID of their own.
      const B3 = 'SE.99998888777766665555';
      const other = metaFixture('messages-text-phone-bsuid-parent');
      const value = other.entry[0].changes[0].value;
      value.contacts = [{ profile: { name: 'Someone Else' }, wa_id: '46701234567', user_id: B3 }];
      value.messages[0] = { ...value.messages[0], id: 'wamid.recycled', timestamp: '1780500000', from_user_id: B3 };
      delete value.messages[0].from_parent_user_id;
      await postMeta(t, other).expect(200);
      const newcomer = (await contact(B3)).body;
      expect(newcomer).toEqual(expect.objectContaining({ msisdn: M, bsuid: B3, username: null, marketing: null }));
    });

    it('erases the username and the marketing choice with the person', async () => {
      await postMeta(t, metaFixture('messages-text-phone-bsuid-parent')).expect(200);
      await postMeta(t, metaFixture('user-preferences-stop')).expect(200);
      expect(await count('user_profile')).toBe(2); // by the BSUID and the parent, not by the phone
      await request(t.http)
        .delete(`/v1/portfolios/acme/contacts/${encodeURIComponent(M)}`)
        .auth(KEYS.admin, { type: 'bearer' })
        .expect(200);
      expect(await count('user_profile')).toBe(0);
    });

    it('applies the entries of one webhook together, and never takes a Meta id for a LINK one', async () => {
      const first = metaFixture('messages-text-phone-bsuid-parent');
      const second = metaFixture('statuses-delivered-phone-bsuid-parent');
      // Another person, so that both events write rows.
      second.entry[0].changes[0].value.statuses[0] = {
        ...second.entry[0].changes[0].value.statuses[0],
        recipient_id: '46705551111',
        recipient_user_id: 'SE.55555555555555555555',
        recipient_parent_user_id: undefined,
      };
      second.entry[0].changes[0].value.contacts = [];
      const both = { ...first, entry: [...first.entry, ...second.entry] };
      const res = await postMeta(t, both);
      expect(res.body).toEqual(expect.objectContaining({ applied: 2 }));
      // Queued together, the two events of a quiet service's POST go in one batch: now() is the same for every row.
      const [{ n }] = await t.dataSource.query(`SELECT count(DISTINCT recorded_at) AS n FROM link_history`);
      expect(Number(n)).toBe(1);
      const messageId = first.entry[0].changes[0].value.messages[0].id;
      // LINK's MO with the same id is another event: applied, not taken for a redelivery.
      await sendMo(t, mo('+46705550000', null, messageId, '2026-06-01T10:00:00Z'));
      expect(await t.contactsOf('acme')).toHaveLength(3);
    });

    it('reads no other field of the webhook', async () => {
      const other = metaFixture('messages-text-phone-bsuid-parent');
      other.entry[0].changes[0].field = 'message_template_status_update';
      expect((await postMeta(t, other)).body).toEqual(expect.objectContaining({ applied: 0, otherFields: 1 }));
      expect(await count('contact')).toBe(0);
    });
  });

  describe('PUT /v1/portfolios/{portfolio}: the Meta settings', () => {
    it('shows the phone number ids, and never the token or the app secret', async () => {
      const res = await request(t.http).get('/v1/portfolios').auth(KEYS.admin, { type: 'bearer' });
      const acme = res.body.portfolios.find((portfolio: { key: string }) => portfolio.key === 'acme');
      expect(acme.meta).toEqual({
        phoneNumbers: [{ number: ACME_NUMBER, phoneNumberId: ACME_PHONE_ID }],
        hasVerifyToken: true,
        hasAppSecret: true,
      });
      expect(JSON.stringify(res.body)).not.toContain(ACME_META_SECRET);
      expect(JSON.stringify(res.body)).not.toContain(ACME_META.verifyToken);
    });

    it.each([
      ['a number the portfolio does not own', { phoneNumbers: [{ number: GLOBEX_NUMBER, phoneNumberId: '1' }] }, 400],
      ['a phone number id that is not digits', { phoneNumbers: [{ number: ACME_NUMBER, phoneNumberId: 'x1' }] }, 400],
      ['no app secret', { appSecret: undefined }, 400],
      ["another portfolio's phone number id", { phoneNumbers: [{ number: ACME_NUMBER, phoneNumberId: '2222' }] }, 409],
    ])('refuses %s', async (_, change, status) => {
      const res = await request(t.http)
        .put('/v1/portfolios/acme')
        .auth(KEYS.admin, { type: 'bearer' })
        .send({ ...ACME_WITH_META, meta: { ...ACME_META, ...change } });
      expect(res.status).toBe(status);
      expect(res.body).toEqual(expect.objectContaining({ resultCode: expect.any(Number), translatedDescription: null }));
    });
  });
});
