import { MultipartError, multipartBoundary, MultipartScanner } from './multipart-scan';

const BOUNDARY = '----form7MA4YWxkTrZu0gW';

function form(parts: { name: string; value: string | Buffer; filename?: string }[], boundary = BOUNDARY): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`;
    const type = part.filename ? '\r\nContent-Type: image/png' : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`));
    chunks.push(Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

const UPLOAD = [
  { name: 'source', value: '+46000000000' },
  { name: 'platformId', value: 'TEST_XA' },
  { name: 'platformPartnerId', value: '1' },
  { name: 'mediaContentType', value: 'image/png' },
  // A file whose bytes look like a delimiter's start, and a line break.
  { name: 'media', value: Buffer.concat([Buffer.from('\r\n--'), Buffer.alloc(5000, 7), Buffer.from('\r\n-')]), filename: 'a.png' },
];

describe(multipartBoundary.name, () => {
  it.each([
    [`multipart/form-data; boundary=${BOUNDARY}`, BOUNDARY],
    ['Multipart/Form-Data; charset=utf-8; boundary="a b"', 'a b'],
    ['multipart/form-data', undefined],
    ['multipart/mixed; boundary=x', undefined],
    ['application/json', undefined],
    [undefined, undefined],
  ])('reads %s', (contentType, boundary) => {
    expect(multipartBoundary(contentType)).toBe(boundary);
  });
});

describe(MultipartScanner.name, () => {
  it.each([1, 2, 3, 7, 64, 100_000])('reads every part and the fields, fed %i bytes at a time', (size) => {
    const body = form(UPLOAD);
    const scanner = new MultipartScanner(BOUNDARY);
    for (let at = 0; at < body.length; at += size) scanner.write(body.subarray(at, at + size));
    expect(scanner.parts).toEqual([
      { name: 'source', file: false, value: '+46000000000' },
      { name: 'platformId', file: false, value: 'TEST_XA' },
      { name: 'platformPartnerId', file: false, value: '1' },
      { name: 'mediaContentType', file: false, value: 'image/png' },
      { name: 'media', file: true },
    ]);
    expect(scanner.done).toBe(true);
    expect(scanner.fieldValue('platformId')).toBe('TEST_XA');
  });

  it('sees a part named after the file before its content arrives', () => {
    const body = form([...UPLOAD.slice(3), { name: 'source', value: '+47000000000' }]);
    const scanner = new MultipartScanner(BOUNDARY);
    const secondHeaders = body.lastIndexOf('name="source"') + 20;
    scanner.write(body.subarray(0, secondHeaders));
    expect(scanner.parts.map((part) => part.name)).toEqual(['mediaContentType', 'media', 'source']);
    expect(scanner.fieldValue('source')).toBeUndefined();
  });

  it('keeps a field up to its limit only', () => {
    const scanner = new MultipartScanner(BOUNDARY, 4);
    scanner.write(form([{ name: 'source', value: '+46000000000' }]));
    expect(scanner.fieldValue('source')).toBe('+460');
  });

  it('refuses a header block that never ends', () => {
    const scanner = new MultipartScanner(BOUNDARY);
    expect(() => scanner.write(Buffer.concat([Buffer.from(`--${BOUNDARY}\r\n`), Buffer.alloc(20_000, 97)]))).toThrow(MultipartError);
  });
});
