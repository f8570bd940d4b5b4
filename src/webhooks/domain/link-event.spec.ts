import { AppError } from '../../common/errors/app-error';
import { readDlrEnvelope, readMoEnvelope } from './link-envelope';
import { EventContext, readDlr, readMo, readParameters, readTimestamp } from './link-event';

const B = 'SE.13491208655302741918';
const P = 'SE.ENT.11815799212886844830';
const context: EventContext = { portfolio: 'acme', region: 'SE', businessNumber: '+46000000000' };

function fieldsOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error.fields;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe(readParameters.name, () => {
  it.each([
    [null, {}],
    [undefined, {}],
    ['text', {}],
    [[1, 2], {}],
    [
      { ' whatsappUserId ': ` ${B} `, destination: '+4600000002' },
      { whatsappUserId: B, destination: '+4600000002' },
    ],
    [{ whatsappUserId: '', whatsappParentUserId: 'null', destination: 'NULL' }, {}],
    [{ platformPartnerId: 1, nested: { a: 1 }, flag: true }, { platformPartnerId: '1' }],
  ])('reads %j', (raw, expected) => {
    expect(Object.fromEntries(readParameters(raw))).toEqual(expected);
  });
});

describe(readMoEnvelope.name, () => {
  const valid = { destination: '+46000000000', source: '+46000000001', messageId: 'm1', timestamp: '2020-03-21T17:41:58Z' };

  it('accepts a body with null customParameters', () => {
    expect(readMoEnvelope({ ...valid, customParameters: null })).toMatchObject(valid);
  });

  it('names every field at fault at once', () => {
    expect(fieldsOf(() => readMoEnvelope({ destination: 5, messageId: '', timestamp: 1, content: [], customParameters: 'x' }))).toEqual([
      { field: 'destination', message: 'destination must be a non-empty string' },
      { field: 'messageId', message: 'messageId must be a non-empty string' },
      { field: 'timestamp', message: 'timestamp must be a non-empty string' },
      { field: 'content', message: 'content must be an object' },
      { field: 'customParameters', message: 'customParameters must be an object' },
    ]);
  });

  it.each([null, [], 'text', 42])('rejects the body %j', (body) => {
    expect(fieldsOf(() => readMoEnvelope(body))).toEqual([{ field: 'body', message: 'must be a JSON object' }]);
  });

  it('rejects a NUL character, which PostgreSQL cannot store', () => {
    expect(fieldsOf(() => readMoEnvelope({ ...valid, messageId: 'a\u0000b' }))).toEqual([
      { field: 'messageId', message: 'messageId must not contain NUL characters' },
    ]);
  });

  it('rejects a messageId longer than 256 characters', () => {
    expect(fieldsOf(() => readMoEnvelope({ ...valid, messageId: 'x'.repeat(257) }))).toEqual([
      { field: 'messageId', message: 'messageId must be shorter than or equal to 256 characters' },
    ]);
  });
});

describe(readDlrEnvelope.name, () => {
  it.each([
    [{ resultCode: 112006 }, [{ field: 'messageId', message: 'messageId is required' }]],
    [{ messageId: 'm', resultCode: '112006' }, [{ field: 'resultCode', message: 'resultCode must be an integer number' }]],
    [
      { messageId: 'm', resultCode: 1.5, messageIndex: 'a' },
      [
        { field: 'resultCode', message: 'resultCode must be an integer number' },
        { field: 'messageIndex', message: 'messageIndex must be an integer number' },
      ],
    ],
  ])('rejects %j', (body, fields) => {
    expect(fieldsOf(() => readDlrEnvelope(body))).toEqual(fields);
  });
});

describe(readMo.name, () => {
  const mo = (fields: Record<string, unknown>) =>
    readMoEnvelope({ destination: '+46000000000', messageId: 'm1', timestamp: '2026-06-01T10:00:00Z', ...fields });

  it('reads the phone from source and the BSUIDs from customParameters', () => {
    const event = readMo(mo({ source: '+46000000001', customParameters: { whatsappUserId: B, whatsappParentUserId: P } }), context);
    expect(event).toEqual({
      receiptKey: 'mo:m1',
      observations: [
        {
          portfolio: 'acme',
          msisdn: '+46000000001',
          bsuid: B,
          parentBsuid: P,
          eventAt: new Date('2026-06-01T10:00:00Z'),
          strength: 'attested',
          links: true,
          activity: 'inbound',
          byPhone: true,
          evidence: { kind: 'MO', messageId: 'm1', businessNumber: '+46000000000' },
        },
      ],
    });
  });

  it('reads a BSUID source, and a parent BSUID source', () => {
    expect(readMo(mo({ source: B }), context).observations[0]).toMatchObject({ bsuid: B });
    expect(readMo(mo({ source: P }), context).observations[0]).toMatchObject({ parentBsuid: P });
  });

  it('counts an MO as by phone only when its source is the phone number', () => {
    expect(readMo(mo({ source: B }), context).observations[0]).toMatchObject({ byPhone: false });
    expect(readMo(mo({ source: P }), context).observations[0]).toMatchObject({ byPhone: false });
    expect(readMo(mo({ source: '0701234567', customParameters: { whatsappUserId: B } }), context).observations[0]).toMatchObject({
      byPhone: true,
    });
  });

  it('reads a local-form source in the context region', () => {
    expect(readMo(mo({ source: '0701234567' }), context).observations[0]).toMatchObject({ msisdn: '+46701234567' });
  });

  it('rejects a source and a whatsappUserId that disagree', () => {
    expect(fieldsOf(() => readMo(mo({ source: B, customParameters: { whatsappUserId: 'SE.999' } }), context))).toEqual([
      { field: 'customParameters.whatsappUserId', message: expect.stringContaining('disagrees with source') },
    ]);
  });

  it('rejects a parent BSUID given as whatsappUserId', () => {
    expect(fieldsOf(() => readMo(mo({ source: '+46000000001', customParameters: { whatsappUserId: P } }), context))).toEqual([
      { field: 'customParameters.whatsappUserId', message: expect.stringContaining('is a parentBsuid, expected a bsuid') },
    ]);
  });

  it('never puts a full identifier in an error message', () => {
    const fields = fieldsOf(() => readMo(mo({ source: '+46 70 123 45 6x' }), context));
    expect(JSON.stringify(fields)).not.toContain('123 45');
  });

  describe('a shared contact card', () => {
    const card = (origin: string, phones: unknown[]) => ({ contentType: 'CONTACTS', contacts: [{ origin, phones }] });

    it("links the sender's BSUID to the number shared through REQUEST_CONTACT_INFO, as attested", () => {
      const event = readMo(
        mo({ source: B, content: { message: card('contact_request', [{ phone: '+46 70 123 45 67', waId: '46701234567' }]) } }),
        context,
      );
      expect(event.observations[1]).toMatchObject({
        bsuid: B,
        msisdn: '+46701234567',
        strength: 'attested',
        evidence: { kind: 'CONTACT_SHARE' },
      });
      expect(event.observations[1]).not.toHaveProperty('activity');
    });

    it('links the number of a card replying to a REQUEST_CONTACT_INFO message sent to the sender, as attested', () => {
      const replyContext = { ...context, contactRequestSentTo: { kind: 'bsuid' as const, value: B } };
      const event = readMo(mo({ source: B, content: { message: card('other', [{ phone: '+46 70 123 45 67' }]) } }), replyContext);
      expect(event.observations[1]).toMatchObject({
        bsuid: B,
        msisdn: '+46701234567',
        strength: 'attested',
        evidence: { kind: 'CONTACT_REQUEST_REPLY' },
      });
    });

    it('keeps as claims the cards of a reply holding several, or replying to a request sent to someone else', () => {
      const two = { contentType: 'CONTACTS', contacts: [{ phones: [{ phone: '+46701234567' }] }, { phones: [{ phone: '+46707654321' }] }] };
      const toB = { ...context, contactRequestSentTo: { kind: 'bsuid' as const, value: B } };
      const strengths = (event: { observations: { strength: string }[] }) => event.observations.slice(1).map((o) => o.strength);
      expect(strengths(readMo(mo({ source: B, content: { message: two } }), toB))).toEqual(['claimed', 'claimed']);
      const toOther = { ...context, contactRequestSentTo: { kind: 'bsuid' as const, value: 'SE.99999999999999999999' } };
      expect(strengths(readMo(mo({ source: B, content: { message: card('other', [{ phone: '+46701234567' }]) } }), toOther))).toEqual([
        'claimed',
      ]);
    });

    it('takes a forwarded card only as a claim', () => {
      const event = readMo(mo({ source: B, content: { message: card('other', [{ phone: '+46 70 765 43 21' }]) } }), context);
      expect(event.observations[1]).toMatchObject({
        bsuid: B,
        msisdn: '+46707654321',
        strength: 'claimed',
        evidence: { kind: 'CONTACT_CARD' },
      });
    });

    it('ignores a forwarded card when the sender’s phone is known, and unreadable numbers in a card', () => {
      expect(
        readMo(
          mo({
            source: '+46000000001',
            customParameters: { whatsappUserId: B },
            content: { message: card('other', [{ phone: '+46707654321' }]) },
          }),
          context,
        ).observations,
      ).toHaveLength(1);
      expect(
        readMo(mo({ source: B, content: { message: card('contact_request', [{ phone: 'call me' }]) } }), context).observations,
      ).toHaveLength(1);
    });

    it('learns nothing from a card sent by a phone-only sender', () => {
      expect(
        readMo(mo({ source: '+46000000001', content: { message: card('contact_request', [{ waId: '46701234567' }]) } }), context)
          .observations,
      ).toHaveLength(1);
    });
  });
});

describe(readDlr.name, () => {
  const dlr = (fields: Record<string, unknown>) => readDlrEnvelope({ messageId: 'd1', timestamp: '2026-03-03T12:34:51Z', ...fields });

  it.each([
    [112002, true, 'outbound'],
    [112003, true, 'outbound'],
    [112006, true, 'outbound'],
    [112007, true, 'outbound'],
    [112404, false, 'invalid'],
    [112403, false, undefined],
    [112000, false, undefined],
  ])('reads result %i as links=%s, activity %s', (resultCode, links, activity) => {
    const event = readDlr(dlr({ resultCode, customParameters: { destination: '+4600000002', whatsappUserId: B } }), context);
    expect(event.observations).toEqual([expect.objectContaining({ msisdn: '+4600000002', bsuid: B, links, activity })]);
  });

  it.each([
    [112006, { destination: '+4600000002', whatsappUserId: B }, true],
    [112002, { destination: '+4600000002' }, true],
    [112006, { whatsappUserId: B }, false],
    [112404, { destination: '+4600000002' }, false],
    [112403, { destination: '+4600000002' }, false],
  ])('counts result %i naming %j as by phone: %s', (resultCode, customParameters, byPhone) => {
    expect(readDlr(dlr({ resultCode, customParameters }), context).observations[0]).toMatchObject({ byPhone });
  });

  it('keys redeliveries by message, index and result', () => {
    expect(readDlr(dlr({ resultCode: 112006, messageIndex: 2, customParameters: { whatsappUserId: B } }), context).receiptKey).toBe(
      'dlr:d1:2:112006',
    );
  });

  it('names nobody when customParameters carries no identifier', () => {
    expect(readDlr(dlr({ resultCode: 112006, customParameters: null }), context)).toEqual({
      receiptKey: 'dlr:d1:0:112006',
      observations: [],
    });
  });

  it('reads the parent BSUID even under a key with stray spaces', () => {
    const event = readDlr(dlr({ resultCode: 112006, customParameters: { ' whatsappParentUserId ': P } }), context);
    expect(event.observations[0]).toMatchObject({ parentBsuid: P });
  });

  describe('of a message this service sent', () => {
    const M = '+46701234567';
    const toPhone: EventContext = { ...context, sentAs: { kind: 'msisdn', value: M } };
    const ids = (event: ReturnType<typeof readDlr>) =>
      event.observations.map(({ msisdn, bsuid, parentBsuid, links, activity }) => ({ msisdn, bsuid, parentBsuid, links, activity }));

    it.each([
      ['no recipient, sent', 112006, null, { msisdn: M, bsuid: undefined, parentBsuid: undefined, links: true, activity: 'outbound' }],
      [
        'no recipient, invalid contact',
        112404,
        null,
        { msisdn: M, bsuid: undefined, parentBsuid: undefined, links: false, activity: 'invalid' },
      ],
      [
        'a BSUID and parent, sent',
        112006,
        { whatsappUserId: B, whatsappParentUserId: P },
        { msisdn: M, bsuid: B, parentBsuid: P, links: true, activity: 'outbound' },
      ],
      [
        'a BSUID, failed',
        112403,
        { whatsappUserId: B },
        { msisdn: M, bsuid: B, parentBsuid: undefined, links: false, activity: undefined },
      ],
      [
        'another phone, which wins',
        112006,
        { destination: '+46709999999' },
        { msisdn: '+46709999999', bsuid: undefined, parentBsuid: undefined, links: true, activity: 'outbound' },
      ],
    ])('names whom it was sent to beside what it carries: %s', (_, resultCode, customParameters, expected) => {
      expect(ids(readDlr(dlr({ resultCode, customParameters }), toPhone))).toEqual([expected]);
    });

    it('adds a BSUID sent to beside the phone the DLR carries', () => {
      const toBsuid: EventContext = { ...context, sentAs: { kind: 'bsuid', value: B } };
      expect(ids(readDlr(dlr({ resultCode: 112006, customParameters: { destination: M } }), toBsuid))).toEqual([
        { msisdn: M, bsuid: B, parentBsuid: undefined, links: true, activity: 'outbound' },
      ]);
    });
  });
});

describe(readTimestamp.name, () => {
  it('reads RFC 3339 with an offset', () => {
    expect(readTimestamp('2010-03-30T12:59:40+02:00')).toEqual(new Date('2010-03-30T10:59:40Z'));
  });

  it.each([
    ['2010-03-30T12:59:40+0200', '2010-03-30T10:59:40.000Z'],
    ['2010-03-30T12:59:40.250Z', '2010-03-30T12:59:40.250Z'],
    ['2010-03-30 12:59:40-01:30', '2010-03-30T14:29:40.000Z'],
  ])('reads %j', (raw, expected) => {
    expect(readTimestamp(raw).toISOString()).toBe(expected);
  });

  it('takes a time far in the future as now', () => {
    const now = new Date('2026-06-01T10:00:00Z');
    expect(readTimestamp('2999-01-01T00:00:00Z', now)).toEqual(now);
    expect(readTimestamp('2026-06-01T10:04:00Z', now)).toEqual(new Date('2026-06-01T10:04:00Z'));
  });

  it.each(['yesterday', '2020', '03/30/2010', '2010-03-30', '2010-02-30T25:00:00Z', '2010-02-30T10:00:00Z', '2010-03-30T12:59:40'])(
    'rejects %j',
    (raw) => {
      expect(fieldsOf(() => readTimestamp(raw))).toEqual([{ field: 'timestamp', message: 'must be an RFC 3339 date-time' }]);
    },
  );
});
