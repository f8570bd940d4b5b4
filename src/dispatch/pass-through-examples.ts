/** Examples of LINK's own document for the API reference of the pass-through routes. */

export const MO_STATUS_EXAMPLE = {
  platformId: 'TEST_XA',
  platformPartnerId: '1',
  source: '+46000000000',
  status: 'read',
  message_id: 'moMessageId',
  typing_indicator: { type: 'text' },
};

export const MEDIA_FORM_SCHEMA = {
  type: 'object',
  required: ['source', 'platformId', 'platformPartnerId', 'media'],
  description:
    'multipart/form-data. `source`, `platformId` and `platformPartnerId` come before the `media` part (or in the query): the service reads them to check the key before anything reaches LINK.',
  properties: {
    source: { type: 'string', example: '+46000000000' },
    platformId: { type: 'string', example: 'TEST_XA' },
    platformPartnerId: { type: 'string', example: '1' },
    mediaContentType: { type: 'string', example: 'image/png' },
    media: { type: 'string', format: 'binary' },
  },
};

export const RESUMABLE_MEDIA_EXAMPLE = { h: '4:bGlua2xvZ28uce_eher2RE...' };

export const PHONE_NUMBER_EXAMPLE = {
  wabaId: '634974688087057',
  overallHealthStatus: 'AVAILABLE',
  level: 'STANDARD',
  numberCanSendMessages: 'AVAILABLE',
  maxDailyConversations: 'TIER_250',
  verifiedName: 'Acme',
  qualityRating: 'GREEN',
  phoneNumberId: '106540352242922',
};

export const PROFILE_UPDATE_EXAMPLE = {
  messaging_product: 'whatsapp',
  profile: {
    about: 'Helping businesses grow with digital solutions.',
    address: 'Karl Johans gate 1, 0154 Oslo, Norway',
    vertical: 'TECHNOLOGY',
    email: 'contact@yourcompany.com',
    websites: ['https://yourcompany.com'],
  },
};

export const PROFILE_EXAMPLE = { data: [{ ...PROFILE_UPDATE_EXAMPLE.profile, messaging_product: 'whatsapp' }] };

export const ANALYTICS_EXAMPLE = [
  {
    startDate: '2026-05-31T22:00:00Z',
    endDate: '2026-06-01T22:00:00Z',
    authenticationMessages: 11,
    authenticationInternationalMessages: 0,
    marketingMessages: 16,
    mmLiteMessages: 28,
    utilityMessages: 14,
    freeCustomerServiceMessages: 67,
    freeEntryPointMessages: 0,
    totalMessagesDelivered: 136,
  },
];

export const TEMPLATE_CREATE_EXAMPLE = {
  name: 'request_contact_info',
  language: 'en',
  category: 'utility',
  components: [
    { type: 'body', text: 'Please provide your phone number' },
    { type: 'buttons', buttons: [{ type: 'REQUEST_CONTACT_INFO', text: 'Share Contact Info' }] },
  ],
};

export const TEMPLATE_CREATED_EXAMPLE = { id: '594425479261596', status: 'PENDING', category: 'UTILITY' };

export const TEMPLATE_LIST_EXAMPLE = {
  data: [{ ...TEMPLATE_CREATE_EXAMPLE, category: 'UTILITY', status: 'APPROVED', id: '594425479261596' }],
};
