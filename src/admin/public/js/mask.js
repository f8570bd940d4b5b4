/**
 * The rule of the service's log masking (src/common/logging/mask.ts), so that the screen shows
 * identifiers as the logs do: `+46701234567` → `+4670*****67`. Keep the two in step.
 * @param {string} value
 * @returns {string}
 */
export function mask(value) {
  if (value.length <= 7) return `${value.slice(0, 2)}***`;
  return `${value.slice(0, 5)}${'*'.repeat(value.length - 7)}${value.slice(-2)}`;
}
