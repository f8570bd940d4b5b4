import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asksForContactInfo } from './contact-request';

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '../../../test/fixtures/link', `${name}.json`), 'utf8')) as {
    messages: Record<string, unknown>[];
  };

describe(asksForContactInfo.name, () => {
  it("sees LINK's contact_request interactive message", () => {
    expect(asksForContactInfo(fixture('request-38-interactive-contact-request').messages)).toBe(true);
  });

  it('reads the type in any case, or the action alone', () => {
    expect(asksForContactInfo([{ type: 'INTERACTIVE', interactive: { type: ' Contact_Request ' } }])).toBe(true);
    expect(asksForContactInfo([{ type: 'interactive', interactive: { type: 'x', action: { name: 'request_contact_info' } } }])).toBe(true);
  });

  it.each([
    'request-32-interactive-button',
    'request-35-interactive-location-request',
    'request-37-template-request-contact-info',
    'request-12-text',
  ])('sees no interactive contact request in %s (a template is the registry’s to tell)', (name) => {
    expect(asksForContactInfo(fixture(name).messages)).toBe(false);
  });
});
