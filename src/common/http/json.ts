/** A JSON object: not null, not an array. What every reader of an untyped body asks first. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
