/** Example bodies for the OpenAPI document at /docs. */

export const MESSAGE_REQUEST_EXAMPLE = {
  platformId: 'TEST_XA',
  platformPartnerId: '1',
  priority: 'NORMAL',
  refId: 'order-4711',
  source: '+46000000000',
  destinations: ['+46701234567', 'SE.13491208655302741918', 'nope'],
  messages: [{ type: 'template', template: { name: 'order_shipped', language: { code: 'en' } } }],
};

export const DEDUPE_EXAMPLE = {
  request: { ...MESSAGE_REQUEST_EXAMPLE, destinations: ['+46701234567'] },
  destinations: [
    { input: '+46701234567', action: 'send', sendAs: '+46701234567', reason: 'Sent to the phone number, in its international form' },
    {
      input: 'SE.13491208655302741918',
      action: 'duplicate',
      sendAs: '+46701234567',
      duplicateOf: '+46701234567',
      duplicateOfIndex: 0,
      code: 'DUPLICATE',
      reason: 'The same person as destination 1: sent once, through that one',
    },
    { input: 'nope', action: 'rejected', code: 'INVALID_DESTINATION', reason: '"no***" is neither a phone number nor a BSUID' },
  ],
  templates: [{ name: 'order_shipped', language: 'en', known: true, category: 'UTILITY', refreshTried: false }],
  portfolio: 'acme',
};

export const PROXY_EXAMPLE = {
  resultCode: 112001,
  description: 'queued',
  messageIds: ['1aU6cwxAKE9NzMLrS6M82C', '1aU6cwxAKE9NzMLrS6M82C', null],
  destinations: DEDUPE_EXAMPLE.destinations,
};

/** 400 when no destination is left to send: the reasons as `fields`, and the same report a 200 carries. */
export const NOTHING_TO_SEND_EXAMPLE = {
  resultCode: 112506,
  description: 'Validation error',
  translatedDescription: null,
  fields: [
    {
      field: 'destinations[0]',
      message: 'BSUID_AUTH_TEMPLATE: Authentication templates cannot be sent to a BSUID, and no phone number is known for this user',
    },
    { field: 'destinations[1]', message: 'INVALID_DESTINATION: "no***" is neither a phone number nor a BSUID' },
  ],
  destinations: [
    {
      input: 'SE.22222222222222222222',
      action: 'rejected',
      code: 'BSUID_AUTH_TEMPLATE',
      reason: 'Authentication templates cannot be sent to a BSUID, and no phone number is known for this user',
    },
    { input: 'nope', action: 'rejected', code: 'INVALID_DESTINATION', reason: '"no***" is neither a phone number nor a BSUID' },
  ],
};
