import { Transform } from 'class-transformer';

/**
 * A query string flag: `true` or `false` become booleans, anything else is left for `@IsBoolean()`
 * to refuse (class-transformer's implicit conversion would read "false" as true).
 */
export const QueryBoolean = () =>
  Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value));
