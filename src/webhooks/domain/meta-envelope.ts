import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError, FieldError } from '../../common/errors/app-error';

/** One `entry[].changes[]` of Meta's webhook: the business phone number it came through, and its `value`. */
export interface MetaChange {
  /** `entry[i].changes[j].value`, for error fields. */
  path: string;
  field: string;
  phoneNumberId?: string;
  displayPhoneNumber?: string;
  value: Record<string, unknown>;
}

const MAX_CHANGES = 1_000;

/**
 * The envelope of a `whatsapp_business_account` webhook: its changes, every one kept (their
 * `field` says which the service reads). Anything else is a 400 naming what is wrong.
 */
export function readMetaEnvelope(body: unknown): MetaChange[] {
  if (!isObject(body)) throw AppError.invalidField('body', 'must be a JSON object');
  if (body.object !== 'whatsapp_business_account') throw AppError.invalidField('object', 'must be "whatsapp_business_account"');
  if (!Array.isArray(body.entry)) throw AppError.invalidField('entry', 'must be an array');
  const errors: FieldError[] = [];
  const changes: MetaChange[] = [];
  body.entry.forEach((entry: unknown, i) => {
    if (!isObject(entry) || !Array.isArray(entry.changes))
      return void errors.push({ field: `entry[${i}].changes`, message: 'must be an array' });
    entry.changes.forEach((change: unknown, j) => {
      const path = `entry[${i}].changes[${j}]`;
      if (!isObject(change) || !isObject(change.value)) return void errors.push({ field: `${path}.value`, message: 'must be an object' });
      const metadata = isObject(change.value.metadata) ? change.value.metadata : {};
      changes.push({
        path: `${path}.value`,
        field: typeof change.field === 'string' ? change.field : '',
        phoneNumberId: text(metadata.phone_number_id),
        displayPhoneNumber: text(metadata.display_phone_number),
        value: change.value,
      });
    });
  });
  if (changes.length > MAX_CHANGES) errors.push({ field: 'entry', message: `must hold at most ${MAX_CHANGES} changes` });
  if (errors.length > 0) throw AppError.validation(errors.slice(0, 50));
  return changes;
}

/**
 * Meta signs the raw body with the app secret: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256>`.
 * Compared in constant time; any other header is no signature.
 */
export function isSignedBy(rawBody: Buffer, header: unknown, appSecret: string): boolean {
  if (typeof header !== 'string') return false;
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!match) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(match[1], 'hex'));
}

function text(raw: unknown): string | undefined {
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return String(raw);
  return typeof raw === 'string' && raw.trim() !== '' && raw.length <= 64 && !raw.includes('\u0000') ? raw.trim() : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
