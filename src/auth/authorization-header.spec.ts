import { readAuthorization } from './authorization-header';

const basic = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe(readAuthorization.name, () => {
  it.each([
    ['Bearer s3cret', { scheme: 'bearer', secret: 's3cret' }],
    ['bearer s3cret', { scheme: 'bearer', secret: 's3cret' }],
    ['  Bearer   s3cret  ', { scheme: 'bearer', secret: 's3cret' }],
    ['Bearer\ts3cret', { scheme: 'bearer', secret: 's3cret' }],
    [`Basic ${basic('link:s3cret')}`, { scheme: 'basic', name: 'link', secret: 's3cret' }],
    [`BASIC ${basic('link:s3:cret')}`, { scheme: 'basic', name: 'link', secret: 's3:cret' }],
    [`Basic ${basic('link:s3cret').replace(/=+$/, '')}`, { scheme: 'basic', name: 'link', secret: 's3cret' }],
    [`Basic ${basic(':s3cret')}`, { scheme: 'basic', name: '', secret: 's3cret' }],
  ])('reads %j', (header, expected) => {
    expect(readAuthorization(header)).toEqual(expected);
  });

  it.each([
    ['a bearer secret followed by junk', 'Bearer s3cret junk'],
    ['a bearer secret followed by a second one', 'Bearer s3cret Bearer s3cret'],
    ['a scheme alone', 'Bearer'],
    ['a scheme and blanks', 'Bearer   '],
    ['a Basic credential followed by junk', `Basic ${basic('link:s3cret')} junk`],
    ['a Basic credential with junk glued on', `Basic ${basic('link:s3cret')}junk!`],
    ['a Basic credential that is not base64', 'Basic link:s3cret'],
    ['a Basic credential without a colon', `Basic ${basic('links3cret')}`],
    ['another scheme', 'Digest username="link"'],
    ['nothing', ''],
  ])('refuses %s', (_, header) => {
    expect(readAuthorization(header)).toBeUndefined();
  });
});
