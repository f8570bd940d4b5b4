import { checkMessageRequest, MAX_DESTINATIONS, readMessageKinds } from './message-request';

const request = (changes: Record<string, unknown> = {}) => ({
  platformId: 'TEST_XA',
  platformPartnerId: '1',
  priority: 'NORMAL',
  refId: 'ref-1',
  source: '+460000000000',
  destinations: ['+46701234567'],
  messages: [{ type: 'text', text: { body: 'hi' } }],
  ...changes,
});

describe(checkMessageRequest.name, () => {
  it("accepts the document's envelope, optional fields included", () => {
    const full = request({
      platformServiceId: 's',
      platformServiceType: 't',
      platformTransactionId: 'x',
      relativeValidityTime: 1584543059442,
      absoluteValidityTime: '2020-03-18T16:49:21Z',
      eventReportGates: ['v08kM29P'],
      customParameters: null,
      somethingNew: { kept: true },
    });
    expect(checkMessageRequest(full)).toEqual([]);
  });

  it.each([
    ['not an object', [], 'body'],
    ['no source', request({ source: undefined }), 'source'],
    ['a blank refId', request({ refId: ' ' }), 'refId'],
    ['an unknown priority', request({ priority: 'URGENT' }), 'priority'],
    ['no destinations', request({ destinations: [] }), 'destinations'],
    ['destinations not a list', request({ destinations: '+46701234567' }), 'destinations'],
    ['too many destinations', request({ destinations: new Array(MAX_DESTINATIONS + 1).fill('+46701234567') }), 'destinations'],
    ['no messages', request({ messages: [] }), 'messages'],
    ['a message without a type', request({ messages: [{ text: 'x' }] }), 'messages[0].type'],
    ['a validity time in text', request({ relativeValidityTime: '10' }), 'relativeValidityTime'],
    ['a validity date that is no date', request({ absoluteValidityTime: 'tomorrow' }), 'absoluteValidityTime'],
    ['gates that are not strings', request({ eventReportGates: [1] }), 'eventReportGates'],
    ['custom parameters in a list', request({ customParameters: [] }), 'customParameters'],
  ])('names the field at fault: %s', (_, body, field) => {
    expect(checkMessageRequest(body).map((problem) => problem.field)).toEqual([field]);
  });
});

describe(readMessageKinds.name, () => {
  it.each([
    [
      'a template with its language as an object',
      [{ type: 'template', template: { name: 'otp', language: { code: 'en' } } }],
      [{ name: 'otp', language: 'en' }],
      false,
    ],
    [
      'a template with its language as a string',
      [{ type: 'template', template: { name: 'otp', language: 'en_US' } }],
      [{ name: 'otp', language: 'en_US' }],
      false,
    ],
    [
      'text and a template',
      [{ type: 'text' }, { type: 'template', template: { name: 'a', language: { code: 'sv' } } }],
      [{ name: 'a', language: 'sv' }],
      true,
    ],
    [
      'the same template twice',
      [
        { type: 'template', template: { name: 'a', language: { code: 'sv' } } },
        { type: 'template', template: { name: 'a', language: { code: 'sv' } } },
      ],
      [{ name: 'a', language: 'sv' }],
      false,
    ],
    [
      'a template typed in upper case, its name and language with stray spaces',
      [{ type: 'TEMPLATE', template: { name: ' otp ', language: { code: 'en_US ' } } }],
      [{ name: 'otp', language: 'en_US' }],
      false,
    ],
    [
      'one template named with and without a leading space',
      [
        { type: 'template', template: { name: ' a', language: 'sv' } },
        { type: 'Template', template: { name: 'a', language: 'sv' } },
      ],
      [{ name: 'a', language: 'sv' }],
      false,
    ],
    ['a template without its template object', [{ type: 'template' }], [{ name: '', language: '' }], false],
    ['media, location and interactive messages', [{ type: 'image' }, { type: 'location' }, { type: 'interactive' }], [], true],
  ])('reads %s', (_, messages, templates, freeForm) => {
    expect(readMessageKinds(messages)).toEqual({ templates, freeForm });
  });
});
