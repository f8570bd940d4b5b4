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
      code: 'DUPLICATE',
      reason: 'The same person as an earlier destination: sent once, through the kept one',
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
