import { BlockList, isIP } from 'node:net';

/** One allowed address or network, as written in configuration ("203.0.113.7", "198.51.100.0/24", "2001:db8::/32"). */
export interface AddressRange {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** Reads a comma-separated list of addresses and CIDRs, answering one problem per bad entry instead of throwing. */
export function parseAddressList(raw: string, source: string): { ranges: AddressRange[]; problems: string[] } {
  const ranges: AddressRange[] = [];
  const problems: string[] = [];
  for (const entry of raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')) {
    const [address, prefixText, ...rest] = entry.split('/');
    const version = isIP(address);
    const maxPrefix = version === 6 ? 128 : 32;
    const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
    if (version === 0 || rest.length > 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > maxPrefix || prefixText === '') {
      problems.push(`${source}: "${entry}" is not an IP address or CIDR`);
      continue;
    }
    ranges.push({ address, prefix, family: version === 6 ? 'ipv6' : 'ipv4' });
  }
  if (ranges.length === 0 && problems.length === 0) problems.push(`${source}: lists no address`);
  return { ranges, problems };
}

/**
 * A matcher for the ranges. An IPv4 client reached over an IPv6 socket arrives as
 * "::ffff:203.0.113.7"; it is matched as the IPv4 address it is.
 */
export function addressMatcher(ranges: readonly AddressRange[]): (address: string | undefined) => boolean {
  const list = new BlockList();
  for (const range of ranges) list.addSubnet(range.address, range.prefix, range.family);
  return (address) => {
    if (!address) return false;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return list.check(mapped[1], 'ipv4');
    const version = isIP(address);
    return version !== 0 && list.check(address, version === 6 ? 'ipv6' : 'ipv4');
  };
}
