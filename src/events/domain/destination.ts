/**
 * Where events may be delivered. A subscription URL is checked when it is saved, and the
 * addresses its host resolves to are checked again at every delivery, so that a name that later
 * resolves to the internal network (DNS rebinding) reaches nothing there.
 */
import { isIP } from 'node:net';
import { addressMatcher, AddressRange } from '../../common/net/address-list';

/**
 * Loopback, private, link-local, shared, benchmark, multicast and reserved ranges, and the IPv6
 * prefixes that carry an IPv4 address inside (IPv4-compatible, mapped, NAT64, 6to4, Teredo), which could
 * reach any of those: never a CRM on the internet.
 */
const INTERNAL_IPV4: AddressRange[] = (
  [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.0.2.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
    ['224.0.0.0', 4],
    ['240.0.0.0', 4],
  ] as const
).map(([address, prefix]) => ({ address, prefix, family: 'ipv4' as const }));
const INTERNAL_IPV6: AddressRange[] = (
  [
    ['::', 96],
    ['::1', 128],
    ['::ffff:0:0', 96],
    ['64:ff9b::', 96],
    ['100::', 64],
    ['2001::', 32],
    ['2001:db8::', 32],
    ['2002::', 16],
    ['fc00::', 7],
    ['fe80::', 10],
    ['ff00::', 8],
  ] as const
).map(([address, prefix]) => ({ address, prefix, family: 'ipv6' as const }));
// Apart: a BlockList matches IPv4 addresses against IPv6 rules as mapped ones, which ::ffff:0:0/96 would make all internal.
const isInternalIpv4 = addressMatcher(INTERNAL_IPV4);
const isInternalIpv6 = addressMatcher(INTERNAL_IPV6);

/** Whether an IP address is one events never go to unless private addresses are allowed; anything not an address is refused. */
export function isInternalAddress(address: string): boolean {
  if (isIP(address) === 4 || /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address)) return isInternalIpv4(address);
  return isIP(address) === 0 || isInternalIpv6(address);
}

export interface DestinationRules {
  allowPrivate: boolean;
  allowHttp: boolean;
}

/** Why a subscription URL is refused, or undefined when it may be saved. */
export function urlProblem(text: string, rules: DestinationRules): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && rules.allowHttp)) {
    return rules.allowHttp ? 'must be an http or https URL' : 'must be an https URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!rules.allowPrivate && (isIP(host) !== 0 ? isInternalAddress(host) : /^localhost$|\.localhost$|\.local$|\.internal$/i.test(host))) {
    return 'must not point to a loopback, private or link-local address';
  }
  return undefined;
}
