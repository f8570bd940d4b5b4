import { isInternalAddress, urlProblem } from './destination';

describe(isInternalAddress.name, () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.31.255.255', true],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['::1', true],
    ['fe80::1', true],
    ['fd12:3456::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:10.0.0.1', true],
    ['::ffff:7f00:1', true], // 127.0.0.1, mapped, as a URL writes it
    ['::7f00:1', true], // IPv4-compatible
    ['2002:7f00:1::', true], // 6to4 of 127.0.0.1
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', true], // Teredo
    ['::ffff:93.184.215.14', false],
    ['not-an-address', true],
    ['93.184.215.14', false],
    ['172.32.0.1', false],
    ['2606:2800:21f:cb07:6820:80da:af6b:8b2c', false],
  ])('%s is internal: %s', (address, expected) => {
    expect(isInternalAddress(address)).toBe(expected);
  });
});

describe(urlProblem.name, () => {
  const strict = { allowPrivate: false, allowHttp: false };
  const open = { allowPrivate: true, allowHttp: true };

  it.each([
    ['https://crm.example.com/hooks/contact-book', strict, undefined],
    ['http://crm.example.com/hooks', strict, 'must be an https URL'],
    ['ftp://crm.example.com/hooks', open, 'must be an http or https URL'],
    ['https://127.0.0.1/hooks', strict, 'must not point to a loopback, private or link-local address'],
    ['https://[::1]/hooks', strict, 'must not point to a loopback, private or link-local address'],
    ['https://localhost:8443/hooks', strict, 'must not point to a loopback, private or link-local address'],
    ['https://169.254.169.254/latest', strict, 'must not point to a loopback, private or link-local address'],
    ['https://user:pw@crm.example.com/', strict, 'must not carry credentials'],
    ['crm.example.com/hooks', strict, 'must be an absolute URL'],
    ['http://127.0.0.1:3421/hooks', open, undefined],
  ])('%s', (url, rules, expected) => {
    expect(urlProblem(url, rules)).toBe(expected);
  });
});
