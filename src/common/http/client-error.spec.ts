import { clientErrorFor, rawErrorResponse } from './client-error';

describe(clientErrorFor.name, () => {
  it.each([
    ['HPE_HEADER_OVERFLOW', 431, 112931],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 112908],
    ['HPE_INVALID_METHOD', 400, 112402],
    [undefined, 400, 112402],
  ])('answers %s with %i and resultCode %i', (code, status, resultCode) => {
    const error = clientErrorFor(code);
    expect([error.status, error.resultCode]).toEqual([status, resultCode]);
  });
});

describe(rawErrorResponse.name, () => {
  it('writes a whole HTTP/1.1 answer in LINK ErrorResponse that closes the connection', () => {
    const text = rawErrorResponse(clientErrorFor('HPE_HEADER_OVERFLOW'), { 'x-content-type-options': 'nosniff', 'x-request-id': 'r-1' });
    const [head, body] = text.split('\r\n\r\n');
    expect(head.split('\r\n')).toEqual([
      'HTTP/1.1 431 Request Header Fields Too Large',
      'x-content-type-options: nosniff',
      'x-request-id: r-1',
      'content-type: application/json; charset=utf-8',
      `content-length: ${Buffer.byteLength(body)}`,
      'connection: close',
    ]);
    expect(JSON.parse(body)).toEqual({ resultCode: 112931, description: expect.stringContaining('headers'), translatedDescription: null });
  });
});
