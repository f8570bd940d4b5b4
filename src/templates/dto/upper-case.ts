import { Transform } from 'class-transformer';

/**
 * Reads a category or an OTP kind in any case, as LINK's document writes them (`"utility"`), in
 * the upper case the registry keeps; anything but a string is left for the validators to refuse.
 */
export const UpperCase = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value));
