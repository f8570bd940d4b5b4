import request from 'supertest';
import { fixtureDlr, mo } from '../support/link-builders';
import { createTestApp, fixture, KEYS, TestApp } from '../support/test-app';

const B = 'SE.13491208655302741918';
const P = 'SE.ENT.11815799212886844830';

describe('LINK webhooks', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  beforeEach(() => t.resetDatabase());
  afterAll(() => t.close());

  describe("the document's fixtures", () => {
    it.each([
      ['mo-01-text-msisdn', { msisdn: '+46000000001', bsuid: null, parentBsuid: null }],
      ['mo-02-text-msisdn-bsuid', { msisdn: '+46000000001', bsuid: B, parentBsuid: P }],
      ['mo-03-text-bsuid-source', { msisdn: null, bsuid: B, parentBsuid: P }],
      ['mo-04-media', { msisdn: '+46000000001', bsuid: null, parentBsuid: null }],
      ['mo-05-interactive-button-reply', { msisdn: '+46000000001', bsuid: null, parentBsuid: null }],
      ['mo-06-interactive-list-reply', { msisdn: '+46000000001', bsuid: null, parentBsuid: null }],
      ['mo-07-sticker', { msisdn: '+46000000001', bsuid: null, parentBsuid: null }],
      ['mo-08-reaction', { msisdn: '+46000000001', bsuid: null, parentBsuid: null }],
      ['mo-contacts-request-contact-info', { msisdn: '+46701234567', bsuid: B, parentBsuid: P }],
      // A forwarded card may be someone else's number: kept as a conflict, never the sender's phone.
      ['mo-contacts-forwarded-card', { msisdn: null, bsuid: B, parentBsuid: P }],
    ])('learns from %s', async (name, expected) => {
      const body = fixture(name);
      const res = await t.postMo(body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'applied', portfolio: 'default', contactIds: [expect.any(String)] });
      expect(await t.contactsOf('default')).toEqual([{ id: res.body.contactIds[0], ...expected }]);
    });

    it.each([
      ['dlr-02-sent-msisdn-bsuid', { msisdn: '+4600000002', bsuid: B, parentBsuid: null }], // the parent sits under a "( " key
      ['dlr-03-sent-bsuid-only', { msisdn: null, bsuid: B, parentBsuid: P }],
    ])('learns from %s', async (name, expected) => {
      const res = await t.postDlr(fixture(name));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'applied', portfolio: 'default', contactIds: [expect.any(String)] });
      expect(await t.contactsOf('default')).toEqual([{ id: res.body.contactIds[0], ...expected }]);
    });

    it.each(['dlr-00-structure', 'dlr-01-sent-msisdn'])('accepts %s, which names nobody', async (name) => {
      const res = await t.postDlr(fixture(name));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ignored', portfolio: 'default', contactIds: [] });
      expect(await t.contactsOf('default')).toEqual([]);
    });

    it('accepts dlr-04-failed-meta and creates nothing', async () => {
      const res = await t.postDlr(fixture('dlr-04-failed-meta'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'applied', portfolio: 'default', contactIds: [] });
      expect(await t.contactsOf('default')).toEqual([]);
    });
  });

  describe('activity', () => {
    it('opens the care window on MO and records the exchange with the business number', async () => {
      await t.postMo(fixture('mo-02-text-msisdn-bsuid')).expect(200);
      const res = await request(t.http).get(`/v1/portfolios/default/contacts/${B}`).auth(KEYS.admin, { type: 'bearer' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        id: expect.any(String),
        portfolio: 'default',
        msisdn: '+46000000001',
        bsuid: B,
        parentBsuid: P,
        status: 'active',
        firstSeenAt: '2020-03-21T17:41:58.000Z',
        updatedAt: expect.any(String),
        lastInboundAt: '2020-03-21T17:41:58.000Z',
        lastOutboundAt: null,
        careWindowOpenUntil: '2020-03-22T17:41:58.000Z',
        // An MO from the phone long before Meta's contact book: 30 days after the last exchange.
        phoneVisibleUntil: '2020-04-20T17:41:58.000Z',
        phoneVisibility: 'window',
        contactBookAt: null,
        externalId: null,
        username: null,
        marketing: null,
        sendTo: '+46000000001',
        sendToKind: 'msisdn',
        sendToReason: expect.any(String),
      });
      const exchanges = await t.dataSource.query('SELECT business_number, last_inbound_at, last_outbound_at FROM contact_exchange');
      expect(exchanges).toEqual([
        { business_number: '+46000000000', last_inbound_at: new Date('2020-03-21T17:41:58Z'), last_outbound_at: null },
      ]);
    });

    it('records a sent DLR as outbound, and 112404 marks the contact invalid', async () => {
      await t.postDlr(fixture('dlr-03-sent-bsuid-only')).expect(200);
      const invalid = { ...fixture('dlr-04-failed-meta'), resultCode: 112404, timestamp: '2026-03-04T00:00:00Z' };
      await t.postDlr(invalid).expect(200);
      const res = await request(t.http).get(`/v1/portfolios/default/contacts/${P}`).auth(KEYS.admin, { type: 'bearer' });
      expect(res.body).toMatchObject({ bsuid: B, status: 'invalid', lastOutboundAt: '2026-03-03T12:34:51.000Z', sendTo: B });
    });

    it('never links on a failed DLR', async () => {
      await t.postMo(fixture('mo-03-text-bsuid-source')).expect(200);
      const failed = fixture('dlr-04-failed-meta');
      failed.customParameters.destination = '+46701234567';
      await t.postDlr(failed).expect(200);
      expect(await t.contactsOf('default')).toEqual([expect.objectContaining({ msisdn: null, bsuid: B })]);
    });
  });

  // Until a test creates acme, no portfolio owns the fixtures' business number: what they say goes to `default`.
  describe('the graph through HTTP', () => {
    it('merges a phone-only contact and a BSUID-only contact when a webhook links them', async () => {
      const phone = await t.postMo(mo('+46701234567', null, 'a', '2026-06-01T10:00:00Z')).expect(200);
      await t.postMo(mo(B, { whatsappUserId: B }, 'b', '2026-06-01T11:00:00Z')).expect(200);
      expect(await t.contactsOf('default')).toHaveLength(2);
      await t.postDlr(fixtureDlr({ destination: '+46701234567' }, 'c', '2026-06-01T12:00:00Z')).expect(200);
      expect(await t.contactsOf('default')).toEqual([
        { id: phone.body.contactIds[0], msisdn: '+46701234567', bsuid: B, parentBsuid: null },
      ]);
      const history = await request(t.http).get(`/v1/portfolios/default/contacts/${B}/history`).auth(KEYS.admin, { type: 'bearer' });
      expect(history.status).toBe(200);
      expect(history.body.items.map((item: { action: string; field: string | null }) => [item.action, item.field])).toEqual([
        ['linked', 'bsuid'],
        ['unlinked', 'bsuid'],
        ['merged', null],
        ['linked', 'bsuid'],
        ['created', null],
        ['linked', 'msisdn'],
        ['created', null],
      ]);
      expect(history.body.items[2]).toEqual({
        id: expect.any(String),
        contactId: phone.body.contactIds[0],
        action: 'merged',
        field: null,
        from: null,
        to: null,
        otherContactId: expect.any(String),
        strength: 'attested',
        evidence: { kind: 'DLR', messageId: 'c', resultCode: 112006 },
        eventAt: '2026-06-01T12:00:00.000Z',
        recordedAt: expect.any(String),
      });
    });

    it('moves a phone to its new BSUID, and a late older webhook does not move it back', async () => {
      const B2 = 'SE.99999999999999999999';
      await t.postMo(mo('+46701234567', { whatsappUserId: B }, 'a', '2026-06-01T10:00:00Z')).expect(200);
      await t.postMo(mo('+46701234567', { whatsappUserId: B2 }, 'b', '2026-06-02T10:00:00Z')).expect(200);
      const late = await t.postMo(mo('+46701234567', { whatsappUserId: B }, 'c', '2026-06-01T11:00:00Z'));
      expect(late.status).toBe(200);
      expect(await t.contactsOf('default')).toEqual([
        expect.objectContaining({ msisdn: null, bsuid: B }),
        expect.objectContaining({ msisdn: '+46701234567', bsuid: B2 }),
      ]);
      const history = await t.dataSource.query(`SELECT action, field FROM link_history WHERE action IN ('unlinked', 'stale') ORDER BY id`);
      expect(history).toEqual([
        { action: 'unlinked', field: 'msisdn' },
        { action: 'stale', field: 'msisdn' },
      ]);
    });

    it('changes nothing and adds no history when a webhook is delivered again', async () => {
      const body = fixture('mo-02-text-msisdn-bsuid');
      await t.postMo(body).expect(200);
      const before = await t.dataSource.query('SELECT * FROM contact');
      const historyBefore = await t.dataSource.query('SELECT count(*)::int AS n FROM link_history');
      const again = await t.postMo(body);
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ status: 'duplicate', portfolio: 'default', contactIds: [] });
      expect(await t.dataSource.query('SELECT * FROM contact')).toEqual(before);
      expect(await t.dataSource.query('SELECT count(*)::int AS n FROM link_history')).toEqual(historyBefore);
    });

    it('keeps a forwarded card that clashes with a known phone as a conflict', async () => {
      await t.postMo(mo('+46707654321', { whatsappUserId: 'SE.1111' }, 'a', '2020-03-21T10:00:00Z')).expect(200);
      await t.postMo(fixture('mo-contacts-forwarded-card')).expect(200);
      expect(await t.contactsOf('default')).toEqual([
        expect.objectContaining({ msisdn: '+46707654321', bsuid: 'SE.1111' }),
        expect.objectContaining({ msisdn: null, bsuid: B }),
      ]);
      const conflicts = await t.dataSource.query('SELECT field, existing_value, claimed_value, strength, status FROM link_conflict');
      expect(conflicts).toEqual([
        { field: 'msisdn', existing_value: null, claimed_value: '+46707654321', strength: 'claimed', status: 'open' },
      ]);
    });

    it('routes a business number to the portfolio that owns it, with its region for local numbers', async () => {
      await t.putPortfolio('acme', { businessNumbers: ['+46000000000'], platformId: 'TEST_XA', platformPartnerId: '1' });
      const local = await t.postMo({ ...fixture('mo-01-text-msisdn'), source: '0701234567' });
      expect(local.status).toBe(200);
      expect(local.body.portfolio).toBe('acme');
      expect(await t.contactsOf('acme')).toEqual([expect.objectContaining({ msisdn: '+46701234567' })]);
      const dlr = await t.postDlr(fixture('dlr-03-sent-bsuid-only'));
      expect(dlr.body.portfolio).toBe('acme');
      expect(await t.contactsOf('default')).toEqual([]);
    });
  });

  describe('bad input', () => {
    it('answers 112505 for a body that is not JSON', async () => {
      const res = await request(t.http)
        .post('/webhooks/link/mo')
        .auth('link', KEYS.webhook)
        .set('Content-Type', 'application/json')
        .send('{"destination": ');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        resultCode: 112505,
        description: expect.stringContaining('Invalid Payload'),
        translatedDescription: null,
      });
    });

    it('answers 112506 naming each field at fault, and writes nothing', async () => {
      const body = { ...fixture('mo-02-text-msisdn-bsuid'), source: 'hello', customParameters: { ' whatsappUserId ': 'SE.' } };
      const res = await t.postMo(body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        resultCode: 112506,
        description: 'Validation error',
        translatedDescription: null,
        fields: [
          { field: 'source', message: '"he***" is neither a phone number nor a BSUID' },
          { field: 'customParameters.whatsappUserId', message: expect.stringContaining('is not a BSUID') },
        ],
      });
      expect(await t.dataSource.query('SELECT count(*)::int AS n FROM webhook_receipt')).toEqual([{ n: 0 }]);
    });

    it.each([
      [{ destination: 'nope' }, 'destination'],
      [{ messageId: undefined }, 'messageId'],
      [{ timestamp: 'yesterday' }, 'timestamp'],
      [{ source: '' }, 'source'],
      [{ source: 'null' }, 'source'],
      [{ source: '+46000000000' }, 'source'],
      [{ customParameters: 'text' }, 'customParameters'],
    ])('rejects an MO with %j', async (change, field) => {
      const res = await t.postMo({ ...fixture('mo-01-text-msisdn'), ...change });
      expect(res.status).toBe(400);
      expect(res.body.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      expect(await t.contactsOf('default')).toEqual([]);
    });

    it.each([
      [{ resultCode: 'sent' }, 'resultCode'],
      [{ customParameters: { destination: '12' } }, 'customParameters.destination'],
      [{ customParameters: { whatsappParentUserId: 'SE.123' } }, 'customParameters.whatsappParentUserId'],
    ])('rejects a DLR with %j', async (change, field) => {
      const res = await t.postDlr({ ...fixture('dlr-01-sent-msisdn'), ...change });
      expect(res.status).toBe(400);
      expect(res.body.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });

    it('answers 400, not 500, for a messageId holding a NUL character', async () => {
      const res = await t.postMo({ ...fixture('mo-01-text-msisdn'), messageId: 'a\u0000b' });
      expect(res.status).toBe(400);
      expect(res.body.fields).toEqual([{ field: 'messageId', message: 'messageId must not contain NUL characters' }]);
    });

    it('treats blank and "null" identifiers in customParameters as absent', async () => {
      const body = { ...fixture('mo-01-text-msisdn'), customParameters: { whatsappUserId: ' ', whatsappParentUserId: 'null' } };
      await t.postMo(body).expect(200);
      expect(await t.contactsOf('default')).toEqual([expect.objectContaining({ msisdn: '+46000000001', bsuid: null, parentBsuid: null })]);
    });

    it('answers 413 for a body over the limit', async () => {
      const body = {
        ...fixture('mo-01-text-msisdn'),
        content: { type: 'WHATSAPP', message: { text: 'x'.repeat(t.config.bodyLimitBytes) } },
      };
      const res = await t.postMo(body);
      expect(res.status).toBe(413);
      expect(res.body).toEqual({ resultCode: 112913, description: expect.any(String), translatedDescription: null });
    });
  });
});
