import { headersFromLink, headersToLink } from './pass-through-headers';

describe(headersToLink.name, () => {
  it("keeps what describes the body and the caller's wishes, never its credentials or the connection's own", () => {
    expect(
      headersToLink({
        authorization: 'Basic Y2FsbGVyOnNlY3JldA==',
        host: 'contact-book:3000',
        connection: 'keep-alive, X-Trace',
        'x-trace': '1',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        expect: '100-continue',
        cookie: 'session=1',
        'content-type': 'multipart/form-data; boundary=x',
        'content-length': '10485760',
        'accept-language': 'sv',
        accept: 'application/json',
      }),
    ).toEqual({
      'content-type': 'multipart/form-data; boundary=x',
      'content-length': '10485760',
      'accept-language': 'sv',
      accept: 'application/json',
    });
  });
});

describe(headersFromLink.name, () => {
  it("keeps LINK's description of its answer, never the connection's own or the headers this service sets", () => {
    expect(
      headersFromLink({
        'content-type': 'text/plain',
        'content-length': '12',
        'transfer-encoding': 'chunked',
        connection: 'close',
        'x-request-id': 'links-own',
        'strict-transport-security': 'max-age=1',
        'retry-after': '5',
        date: undefined,
      }),
    ).toEqual({ 'content-type': 'text/plain', 'content-length': '12', 'retry-after': '5' });
  });
});
