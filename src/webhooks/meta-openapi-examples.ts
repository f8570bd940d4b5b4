/** Examples for the OpenAPI document of Meta's webhook routes (from `test/fixtures/meta`). */
export const META_WEBHOOK_EXAMPLE = {
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '102290129340398',
      changes: [
        {
          value: {
            messaging_product: 'whatsapp',
            metadata: {
              display_phone_number: '46000000000',
              phone_number_id: '106540352242922',
            },
            contacts: [
              {
                profile: {
                  name: 'Anna Svensson',
                  username: '@anna.s',
                },
                wa_id: '46701234567',
                user_id: 'SE.13491208655302741918',
                parent_user_id: 'SE.ENT.11815799212886844830',
              },
            ],
            messages: [
              {
                from: '46701234567',
                from_user_id: 'SE.13491208655302741918',
                from_parent_user_id: 'SE.ENT.11815799212886844830',
                id: 'wamid.HBgLNDY3MDEyMzQ1NjcVAgASGBQzQUI0MkY3QTAwMDAwMDAwMDAwMQA=',
                timestamp: '1780308000',
                type: 'text',
                text: {
                  body: 'Hi, is my order on its way?',
                },
              },
            ],
          },
          field: 'messages',
        },
      ],
    },
  ],
};

export const META_ACK_EXAMPLE = {
  applied: 1,
  duplicate: 0,
  ignored: 0,
  invalid: 0,
  unattributed: 0,
  otherFields: 0,
  contactIds: ['0b6f2c1e-8d3a-4c57-9f10-2a4e5b6c7d8e'],
};
