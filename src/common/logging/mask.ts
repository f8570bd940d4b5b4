/**
 * Hides the middle of a phone number or BSUID so that log lines and error messages can name
 * an identifier without carrying it: `+46701234567` → `+4670*****67`.
 */
export function mask(value: string): string {
  if (value.length <= 7) return `${value.slice(0, 2)}***`;
  return `${value.slice(0, 5)}${'*'.repeat(value.length - 7)}${value.slice(-2)}`;
}
