/**
 * Where events may be delivered. A subscription URL is checked when it is saved, and the
 * addresses its host resolves to are checked again at every delivery, so that a name that later
 * resolves to the internal network (DNS rebinding) reaches nothing there.
 */
import { BlockList, isIP } from 'node:net';

/** Loopback, private, link-local, shared, benchmark, multicast and reserved ranges: never a CRM on the internet. */
const INTERNAL = new BlockList();
for (const [address, prefix] of [
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
] as const)
  INTERNAL.addSubnet(address, prefix, 'ipv4');
for (const [address, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  INTERNAL.addSubnet(address, prefix, 'ipv6');

/** Whether an IP address is one events never go to unless private addresses are allowed. */
export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return INTERNAL.check(mapped[1], 'ipv4');
  const version = isIP(address);
  // Not an address at all: refuse rather than guess.
  if (version === 0) return true;
  return INTERNAL.check(address, version === 6 ? 'ipv6' : 'ipv4');
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
