import { answersContactRequest, contactReplyTo } from './contact-request-reply';
import { readMoEnvelope } from './link-envelope';

const B = 'SE.13491208655302741918';
const P = 'SE.ENT.11815799212886844830';
const M = '+46701234567';
const reply = (message: Record<string, unknown>) =>
  readMoEnvelope({ destination: '+46000000000', source: B, messageId: 'mo-1', content: { type: 'WHATSAPP', message } });

describe(contactReplyTo.name, () => {
  it('reads the message a contacts MO replies to', () => {
    expect(reply({ contentType: 'CONTACTS', contacts: [{}], context: { id: ' wamid.HBgM ', source: '46000000000' } })).toBeDefined();
    expect(contactReplyTo(reply({ contentType: 'CONTACTS', contacts: [{}], context: { id: ' wamid.HBgM ' } }))).toBe('wamid.HBgM');
  });

  it.each([
    ['a contacts MO replying to nothing', { contentType: 'CONTACTS', contacts: [{}] }],
    ['a text reply', { contentType: 'TEXT', text: 'hi', context: { id: 'wamid.x' } }],
    ['a context without an id', { contentType: 'CONTACTS', contacts: [{}], context: { id: 42 } }],
  ])('answers nothing for %s', (_, message) => {
    expect(contactReplyTo(reply(message))).toBeUndefined();
  });
});

describe(answersContactRequest.name, () => {
  it.each([
    ['sent to the BSUID that replies', { kind: 'bsuid', value: B }, { bsuid: B }, M, true],
    ['sent to another BSUID', { kind: 'bsuid', value: 'SE.99' }, { bsuid: B }, M, false],
    ['sent to the parent BSUID that replies', { kind: 'parentBsuid', value: P }, { bsuid: B, parentBsuid: P }, M, true],
    ['sent to the phone it shares', { kind: 'msisdn', value: M }, { bsuid: B }, M, true],
    ['sent to a phone, sharing another', { kind: 'msisdn', value: M }, { bsuid: B }, '+46709999999', false],
    ['sent to a phone, from another phone', { kind: 'msisdn', value: M }, { msisdn: '+46709999999', bsuid: B }, M, false],
  ] as const)('%s: %s', (_, sentTo, sender, phone, expected) => {
    expect(answersContactRequest(sentTo, sender, phone)).toBe(expected);
  });
});
