import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMetaEnvelope } from './meta-envelope';
import { addressedByPhone, readMetaValue } from './meta-event';

const M = '+46701234567';
const B = 'SE.13491208655302741918';
const P = 'SE.ENT.11815799212886844830';
const M2 = '+46709876543';
const B2 = 'SE.24681357924681357924';
const P2 = 'SE.ENT.22226666999911113333';
const CONTEXT = { portfolio: 'acme', region: 'SE' as const, businessNumber: '+46000000000', now: new Date('2026-12-01T00:00:00Z') };

function meta(name: string): Record<string, any> {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'meta', `${name}.json`), 'utf8'));
}

/** The first value of a fixture, read. */
function read(name: string) {
  const [change] = readMetaEnvelope(meta(name));
  return readMetaValue(change.value, CONTEXT);
}

const seconds = (s: number) => new Date(s * 1000);

describe(readMetaEnvelope.name, () => {
  it('reads each change with the business phone number it came through', () => {
    expect(readMetaEnvelope(meta('messages-text-phone-bsuid-parent'))).toEqual([
      expect.objectContaining({
        path: 'entry[0].changes[0].value',
        field: 'messages',
        phoneNumberId: '106540352242922',
        displayPhoneNumber: '46000000000',
      }),
    ]);
  });

  it.each([
    [[], 'body'],
    [{ object: 'page', entry: [] }, 'object'],
    [{ object: 'whatsapp_business_account' }, 'entry'],
    [{ object: 'whatsapp_business_account', entry: [{ changes: [{ value: 3 }] }] }, 'entry[0].changes[0].value'],
  ])('refuses %j naming %s', (body, field) => {
    expect(() => readMetaEnvelope(body)).toThrow(expect.objectContaining({ fields: [expect.objectContaining({ field })] }));
  });
});

describe(readMetaValue.name, () => {
  it('reads a message with phone, BSUID, parent and username', () => {
    const { events, usernames } = read('messages-text-phone-bsuid-parent');
    expect(events).toEqual([
      {
        receiptKey: expect.stringMatching(/^meta:message:wamid\./),
        observations: [
          {
            portfolio: 'acme',
            msisdn: M,
            bsuid: B,
            parentBsuid: P,
            eventAt: seconds(1780308000),
            strength: 'attested',
            links: true,
            activity: 'inbound',
            byPhone: true,
            evidence: { kind: 'MO', messageId: expect.stringMatching(/^wamid\./), businessNumber: '+46000000000' },
          },
        ],
      },
    ]);
    expect(usernames).toEqual([{ ids: { msisdn: M, bsuid: B, parentBsuid: P }, username: '@anna.s', eventAt: seconds(1780308000) }]);
  });

  it('reads a message whose phone is hidden: the BSUIDs and the username', () => {
    const { events, usernames } = read('messages-text-phone-hidden');
    expect(events[0].observations).toEqual([expect.objectContaining({ bsuid: B, parentBsuid: P, byPhone: false, activity: 'inbound' })]);
    expect(events[0].observations[0].msisdn).toBeUndefined();
    expect(usernames).toEqual([{ ids: { bsuid: B, parentBsuid: P }, username: '@anna.s', eventAt: seconds(1780308060) }]);
  });

  it('reads a delivered status as an outbound exchange by phone', () => {
    const { events, usernames } = read('statuses-delivered-phone-bsuid-parent');
    expect(events).toEqual([
      {
        receiptKey: expect.stringMatching(/^meta:status:wamid\..*:delivered$/),
        observations: [
          expect.objectContaining({
            msisdn: M,
            bsuid: B,
            parentBsuid: P,
            links: true,
            activity: 'outbound',
            byPhone: true,
            evidence: expect.objectContaining({ kind: 'DLR' }),
          }),
        ],
      },
    ]);
    expect(usernames).toHaveLength(1);
  });

  it('reads the older parent_recipient_user_id of a status with the phone hidden', () => {
    const { events } = read('statuses-read-phone-hidden');
    expect(events[0].observations).toEqual([expect.objectContaining({ bsuid: B, parentBsuid: P, links: true, byPhone: false })]);
  });

  it('reads a status sent to the BSUID as no exchange by phone, though its contacts entry names the phone', () => {
    const body = meta('statuses-delivered-phone-bsuid-parent');
    const value = body.entry[0].changes[0].value;
    delete value.statuses[0].recipient_id;
    const { events } = readMetaValue(readMetaEnvelope(body)[0].value, CONTEXT);
    expect(events[0].observations).toEqual([expect.objectContaining({ msisdn: M, bsuid: B, links: true, byPhone: false })]);
  });

  it('takes no username from a failed status', () => {
    const body = meta('statuses-delivered-phone-bsuid-parent');
    body.entry[0].changes[0].value.statuses[0].status = 'failed';
    const { events, usernames } = readMetaValue(readMetaEnvelope(body)[0].value, CONTEXT);
    expect(events[0].observations).toEqual([expect.objectContaining({ links: false, byPhone: false })]);
    expect(usernames).toEqual([]);
  });

  it.each([
    ['46701234567', { msisdn: M }, true],
    ['+46701234567', { msisdn: M }, true],
    [B, { msisdn: M, bsuid: B }, false],
    [undefined, { msisdn: M }, false],
    ['46701234567', { bsuid: B }, false],
  ])('decides an exchange by phone from its address %s', (address, ids, expected) => {
    expect(addressedByPhone(address, ids)).toBe(expected);
  });

  it('never links a failed status', () => {
    const { events } = read('statuses-failed');
    expect(events[0].observations).toEqual([
      expect.objectContaining({ msisdn: M2, bsuid: B, links: false, activity: undefined, byPhone: false }),
    ]);
  });

  it('reads user_changed_number as a change from the previous BSUID and phone (`from`), with the new phone', () => {
    const { events } = read('system-user-changed-number');
    expect(events[0].observations).toEqual([
      {
        portfolio: 'acme',
        msisdn: M2,
        bsuid: B2,
        parentBsuid: P2,
        eventAt: seconds(1780394400),
        strength: 'attested',
        links: true,
        change: { previousBsuid: B, previousParentBsuid: P, previousMsisdn: M, phoneChanged: true },
        evidence: { kind: 'USER_CHANGED_NUMBER', messageId: expect.any(String), businessNumber: '+46000000000' },
      },
    ]);
  });

  it('reads user_changed_user_id as a change of BSUID alone', () => {
    const { events } = read('system-user-changed-user-id');
    expect(events[0].observations).toEqual([
      expect.objectContaining({
        bsuid: B2,
        parentBsuid: P,
        change: { previousBsuid: B, previousParentBsuid: P, phoneChanged: false },
        evidence: expect.objectContaining({ kind: 'USER_CHANGED_USER_ID' }),
      }),
    ]);
    expect(events[0].observations[0].msisdn).toBeUndefined();
  });

  it('reads a card shared through REQUEST_CONTACT_INFO as the sender’s own phone', () => {
    const { events } = read('messages-contacts-contact-request');
    expect(events[0].observations).toEqual([
      expect.objectContaining({ bsuid: B, parentBsuid: P, evidence: expect.objectContaining({ kind: 'MO' }) }),
      expect.objectContaining({
        bsuid: B,
        parentBsuid: P,
        msisdn: M,
        strength: 'attested',
        evidence: expect.objectContaining({ kind: 'CONTACT_SHARE' }),
      }),
    ]);
  });

  it("reads Meta's `origin` on the message (messages[].origin), and also accepts it on the card", () => {
    const body = meta('messages-contacts-contact-request');
    const message = body.entry[0].changes[0].value.messages[0];
    expect(message.origin).toBe('contact_request');
    delete message.origin;
    const shared = () => readMetaValue(readMetaEnvelope(body)[0].value, CONTEXT).events[0].observations[1];
    expect(shared()).toEqual(expect.objectContaining({ msisdn: M, strength: 'claimed' })); // no origin: a claim
    message.contacts[0].origin = 'contact_request';
    expect(shared()).toEqual(expect.objectContaining({ msisdn: M, strength: 'attested' }));
  });

  it('reads a forwarded card as a claim', () => {
    const { events } = read('messages-contacts-forwarded-card');
    expect(events[0].observations[1]).toEqual(
      expect.objectContaining({
        bsuid: B,
        msisdn: '+46707654321',
        strength: 'claimed',
        evidence: expect.objectContaining({ kind: 'CONTACT_CARD' }),
      }),
    );
  });

  it.each([
    ['user-preferences-stop', { msisdn: M, bsuid: B }, true, 1780308420],
    ['user-preferences-resume-phone-hidden', { bsuid: B }, false, 1780308480],
  ])('reads %s', (name, ids, optedOut, at) => {
    const { events, preferences } = read(name);
    expect(events).toEqual([]);
    expect(preferences).toEqual([{ ids, optedOut, eventAt: seconds(at) }]);
  });

  it.each([
    [{ messages: [{ id: 'w1', timestamp: '1780308000', from: 'nope' }] }, 'value.messages[0].from'],
    [{ messages: [{ id: 'w1', timestamp: '1780308000', from_user_id: M }] }, 'value.messages[0].from_user_id'],
    [{ messages: [{ id: 'w1', timestamp: 'yesterday', from: M }] }, 'value.messages[0].timestamp'],
    [{ messages: [{ id: 'a\u0000b', timestamp: '1780308000', from: M }] }, 'value.messages[0].id'],
    [{ messages: [{ id: 'a\ud800b', timestamp: '1780308000', from: M }] }, 'value.messages[0].id'],
    [
      {
        messages: [{ id: 'w1', timestamp: '1780308000', from: M }],
        contacts: [{ wa_id: '46701234567', profile: { username: '@\udfff' } }],
      },
      'value.contacts[0].profile.username',
    ],
    [
      { statuses: [{ id: 'w1', timestamp: '1780308000', status: 'sent', recipient_user_id: B, recipient_id: 'nope' }] },
      'value.statuses[0].recipient_id',
    ],
    [
      { user_preferences: [{ category: 'marketing_messages', value: 'maybe', user_id: B, timestamp: 1780308000 }] },
      'value.user_preferences[0].value',
    ],
  ])('leaves %j as invalid, naming %s', (value, field) => {
    const read = readMetaValue(value, CONTEXT);
    expect(read.events).toEqual([]);
    expect(read.usernames).toEqual([]);
    expect(read.preferences).toEqual([]);
    expect(read.invalid).toHaveLength(1);
    expect(read.invalid[0].errors.map((entry) => entry.field)).toContain(field);
  });

  it('reads the other events of a value when one is at fault', () => {
    const read = readMetaValue(
      {
        contacts: [{ user_id: B, profile: { username: '@anna.s' } }],
        statuses: [
          { id: 'w1', timestamp: '1780308000', status: 'delivered', recipient_user_id: B },
          // The shared contacts entry names B: this status's own BSUID disagrees with it.
          { id: 'w2', timestamp: '1780308000', status: 'delivered', recipient_user_id: B2 },
        ],
        messages: [{ id: 'w3', timestamp: '1780308000', from: '46701234567', from_user_id: 'SE.' }],
      },
      CONTEXT,
    );
    expect(read.events).toEqual([
      { receiptKey: 'meta:status:w1:delivered', observations: [expect.objectContaining({ bsuid: B, links: true })] },
    ]);
    expect(read.usernames).toEqual([expect.objectContaining({ ids: { bsuid: B }, username: '@anna.s' })]);
    expect(read.invalid.map((entry) => entry.path)).toEqual(['value.messages[0]', 'value.statuses[1]']);
  });

  it('takes a timestamp in the future as now (rule 5)', () => {
    const { events } = readMetaValue({ messages: [{ id: 'w1', timestamp: '99999999999', from: '46701234567' }] }, CONTEXT);
    expect(events[0].observations[0].eventAt).toEqual(CONTEXT.now);
  });

  it('ignores other system messages and values with nothing to read', () => {
    expect(
      readMetaValue(
        { messages: [{ id: 'w1', timestamp: '1780308000', type: 'system', system: { type: 'customer_identity_changed' } }] },
        CONTEXT,
      ),
    ).toEqual({
      events: [],
      usernames: [],
      preferences: [],
      invalid: [],
    });
  });
});
