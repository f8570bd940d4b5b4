import { readTemplateList, templateKey } from './template-list';

const otpButton = (otpType: string, type = 'OTP') => ({ type: 'BUTTONS', buttons: [{ type, otp_type: otpType, text: 'Copy code' }] });
const auth = (name: string, otpType: string) => ({
  name,
  language: 'en_US',
  category: 'AUTHENTICATION',
  status: 'APPROVED',
  components: [{ type: 'BODY', add_security_recommendation: true }, otpButton(otpType)],
});

/** What an item without an id or a REQUEST_CONTACT_INFO button reads as, beside its name, language, category and status. */
const NO_EXTRAS = { templateId: null, requestsContactInfo: false };

describe(readTemplateList.name, () => {
  it('reads the `data` form and the bare array alike', () => {
    const items = [{ name: 'order_update', language: 'sv', category: 'UTILITY', status: 'APPROVED', id: '1' }];
    const row = {
      name: 'order_update',
      language: 'sv',
      category: 'UTILITY',
      otpType: null,
      status: 'APPROVED',
      templateId: '1',
      requestsContactInfo: false,
    };
    expect(readTemplateList({ data: items, paging: { cursors: {} } })).toEqual({ rows: [row], skipped: [] });
    expect(readTemplateList(items)).toEqual({ rows: [row], skipped: [] });
  });

  it.each([
    ['ONE_TAP', 'ONE_TAP'],
    ['ZERO_TAP', 'ZERO_TAP'],
    ['COPY_CODE', 'COPY_CODE'],
    ['copy_code', 'COPY_CODE'],
  ])('reads the OTP kind %s of an authentication template from its OTP button', (given, expected) => {
    expect(readTemplateList([auth('login_code', given)])?.rows).toEqual([
      { name: 'login_code', language: 'en_US', category: 'AUTHENTICATION', otpType: expected, status: 'APPROVED', ...NO_EXTRAS },
    ]);
  });

  it("tolerates what LINK's document shows: lower-case category and components, stray spaces, a language object", () => {
    const item = {
      name: ' request_contact_info',
      language: { code: 'en' },
      category: 'utility',
      status: 'approved',
      components: [
        { type: 'body', text: 'Please provide your phone number' },
        { type: 'buttons', buttons: [{ type: 'REQUEST_CONTACT_INFO', text: 'Share' }] },
      ],
    };
    const otp = {
      ...auth('login_code', 'one_tap'),
      category: 'authentication',
      components: [{ type: 'buttons', buttons: [{ type: 'otp', otp_type: 'one_tap' }] }],
    };
    expect(readTemplateList({ data: [item, otp] })?.rows).toEqual([
      {
        name: 'request_contact_info',
        language: 'en',
        category: 'UTILITY',
        otpType: null,
        status: 'APPROVED',
        ...NO_EXTRAS,
        requestsContactInfo: true,
      },
      { name: 'login_code', language: 'en_US', category: 'AUTHENTICATION', otpType: 'ONE_TAP', status: 'APPROVED', ...NO_EXTRAS },
    ]);
  });

  it('keeps no OTP kind for a marketing template, even one with a copy-code button', () => {
    const item = { name: 'offer', language: 'en', category: 'MARKETING', components: [otpButton('COPY_CODE', 'COPY_CODE')] };
    expect(readTemplateList([item])?.rows).toEqual([
      { name: 'offer', language: 'en', category: 'MARKETING', otpType: null, status: null, ...NO_EXTRAS },
    ]);
  });

  it.each([
    ['a name Meta does not allow', { name: 'Bad Name', language: 'en', category: 'UTILITY' }, /name/],
    ['no name', { language: 'en', category: 'UTILITY' }, /name/],
    ['a bad language', { name: 'a', language: 'english', category: 'UTILITY' }, /language/],
    ['an unknown category', { name: 'a', language: 'en', category: 'TRANSACTIONAL' }, /category "TRANSACTIONAL"/],
    ['something else than an object', 'a', /not an object/],
  ])('skips an item with %s, saying why', (_, item, reason) => {
    const list = readTemplateList([item, { name: 'ok', language: 'en', category: 'UTILITY' }]);
    expect(list?.rows.map((row) => row.name)).toEqual(['ok']);
    expect(list?.skipped).toEqual([expect.objectContaining({ reason: expect.stringMatching(reason) })]);
  });

  it.each([
    ['without an OTP button', { name: 'a', language: 'en', category: 'AUTHENTICATION', components: [] }],
    ['with an OTP button of an unknown kind', { ...auth('a', 'MAGIC'), language: 'en' }],
  ])('keeps an authentication template %s, as authentication with no OTP kind', (_, item) => {
    expect(readTemplateList([item])).toEqual({
      rows: [expect.objectContaining({ name: 'a', category: 'AUTHENTICATION', otpType: null })],
      skipped: [],
    });
  });

  it('counts a template listed twice once, the first', () => {
    const list = readTemplateList([
      { name: 'a', language: 'en', category: 'UTILITY', status: 'APPROVED' },
      { name: 'a', language: 'en', category: 'MARKETING', status: 'PAUSED' },
      { name: 'a', language: 'sv', category: 'MARKETING' },
    ]);
    expect(list?.rows.map((row) => [row.language, row.category])).toEqual([
      ['en', 'UTILITY'],
      ['sv', 'MARKETING'],
    ]);
  });

  it.each([[null], [{}], [{ data: 'x' }], ['[]'], [42]])('answers undefined for %j, which is no template list', (body) => {
    expect(readTemplateList(body)).toBeUndefined();
  });

  it('keys templates by name and language', () => {
    expect(templateKey({ name: 'a', language: 'en' })).toBe('a\u0000en');
  });
});
