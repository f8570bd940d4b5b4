import { addressMatcher, parseAddressList } from './address-list';

describe(parseAddressList.name, () => {
  it('reads addresses and networks of both families', () => {
    expect(parseAddressList(' 203.0.113.7, 198.51.100.0/24,2001:db8::/32 ', 'X').ranges).toEqual([
      { address: '203.0.113.7', prefix: 32, family: 'ipv4' },
      { address: '198.51.100.0', prefix: 24, family: 'ipv4' },
      { address: '2001:db8::', prefix: 32, family: 'ipv6' },
    ]);
  });

  it.each(['lb.example.com', '10.0.0.0/33', '10.0.0.0/', '10.0.0.1/8/1', '300.1.1.1', '::1/129'])('names the bad entry %s', (entry) => {
    expect(parseAddressList(`10.0.0.1,${entry}`, 'X').problems).toEqual([`X: "${entry}" is not an IP address or CIDR`]);
  });

  it('refuses a list of nothing', () => {
    expect(parseAddressList(' , ', 'X').problems).toEqual(['X: lists no address']);
  });
});

describe(addressMatcher.name, () => {
  const allowed = addressMatcher(parseAddressList('198.51.100.0/24,2001:db8::/32,127.0.0.1', 'X').ranges);

  it.each([
    ['198.51.100.200', true],
    ['198.51.101.1', false],
    ['::ffff:198.51.100.9', true],
    ['::ffff:10.0.0.1', false],
    ['2001:db8::1', true],
    ['2001:db9::1', false],
    ['127.0.0.1', true],
    ['not an address', false],
    [undefined, false],
  ])('%s → %s', (address, expected) => {
    expect(allowed(address)).toBe(expected);
  });
});
