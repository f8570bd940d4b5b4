import type { TemplateRow } from './template-list';
import { readCreatedTemplate, readUpdatedTemplate } from './template-learning';

const otp = {
  name: 'login_code',
  language: 'en_US',
  category: 'AUTHENTICATION',
  components: [{ type: 'BODY' }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy' }] }],
};
const contactRequest = {
  name: 'request_contact_info',
  language: 'en',
  category: 'utility',
  components: [
    { type: 'body', text: 'Please provide your phone number' },
    { type: 'buttons', buttons: [{ type: 'REQUEST_CONTACT_INFO', text: 'Share Contact Info' }] },
  ],
};
const row = (over: Partial<TemplateRow> = {}): TemplateRow => ({
  name: 'offer',
  language: 'en',
  category: 'MARKETING',
  otpType: null,
  status: 'APPROVED',
  templateId: '77',
  requestsContactInfo: false,
  ...over,
});

describe(readCreatedTemplate.name, () => {
  it("reads an authentication template and Meta's answer: id and status", () => {
    expect(readCreatedTemplate(otp, { id: '594425479261596', status: 'PENDING', category: 'AUTHENTICATION' })).toEqual({
      name: 'login_code',
      language: 'en_US',
      category: 'AUTHENTICATION',
      otpType: 'COPY_CODE',
      status: 'PENDING',
      templateId: '594425479261596',
      requestsContactInfo: false,
    });
  });

  it("reads LINK's REQUEST_CONTACT_INFO example, whatever LINK answered", () => {
    expect(readCreatedTemplate(contactRequest, '')).toEqual({
      name: 'request_contact_info',
      language: 'en',
      category: 'UTILITY',
      otpType: null,
      status: null,
      templateId: null,
      requestsContactInfo: true,
    });
  });

  it('takes the category Meta gave: a template moved to authentication counts as one', () => {
    const moved = readCreatedTemplate({ ...otp, category: 'UTILITY' }, { id: 9, category: 'AUTHENTICATION' });
    expect(moved).toMatchObject({ category: 'AUTHENTICATION', otpType: 'COPY_CODE', templateId: '9' });
    expect(readCreatedTemplate(otp, { category: 'MARKETING' })).toMatchObject({ category: 'MARKETING', otpType: null });
  });

  it.each([[null], [{ name: 'Bad Name', language: 'en', category: 'UTILITY' }], [{ name: 'a', language: 'en' }], ['text']])(
    'answers undefined for %j, no template the registry can keep',
    (body) => expect(readCreatedTemplate(body, {})).toBeUndefined(),
  );
});

describe(readUpdatedTemplate.name, () => {
  it('changes the category and reads the components anew', () => {
    expect(readUpdatedTemplate(row(), { category: 'authentication', components: otp.components }, {})).toEqual(
      row({ category: 'AUTHENTICATION', otpType: 'COPY_CODE' }),
    );
    expect(readUpdatedTemplate(row(), { components: contactRequest.components }, { success: true })).toEqual(
      row({ requestsContactInfo: true }),
    );
  });

  it('keeps what an update without components does not say', () => {
    const current = row({ category: 'AUTHENTICATION', otpType: 'ONE_TAP' });
    expect(readUpdatedTemplate(current, {}, null)).toEqual(current);
    expect(readUpdatedTemplate(row({ requestsContactInfo: true }), { category: 'UTILITY' }, {})).toEqual(
      row({ category: 'UTILITY', requestsContactInfo: true }),
    );
  });
});
