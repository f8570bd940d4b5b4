/**
 * LINK's hosts for outgoing traffic (webhooks), from Appendix 1 of its WhatsApp Message API
 * document (version 1.6, 2025-07-03), without the decommissioned ones. `link` in
 * WEBHOOK_ALLOWED_CIDRS stands for all of them; check the document again when LINK updates it.
 */
export const LINK_OUTGOING_ADDRESSES = [
  // socks1-6.sp247.net
  '195.84.162.34',
  '194.71.165.71',
  '195.84.162.16',
  '194.71.165.98',
  '195.84.162.3',
  '194.71.165.122',
  // s1-6.n-eu.linkmobility.io
  '213.242.87.36',
  '213.242.87.37',
  '213.242.87.38',
  '213.242.87.39',
  '213.242.87.40',
  '213.242.87.41',
  // s1-6.c-eu.linkmobility.io
  '62.67.62.101',
  '62.67.62.102',
  '62.67.62.103',
  '62.67.62.104',
  '62.67.62.105',
  '62.67.62.106',
  // s1-6.s-eu.linkmobility.io
  '217.163.95.196',
  '217.163.95.197',
  '217.163.95.198',
  '217.163.95.199',
  '217.163.95.200',
  '217.163.95.201',
] as const;

/** Replaces the word `link` in a list of addresses by LINK's own. */
export function expandLinkAddresses(raw: string): string {
  return raw
    .split(',')
    .map((entry) => (entry.trim().toLowerCase() === 'link' ? LINK_OUTGOING_ADDRESSES.join(',') : entry))
    .join(',');
}
