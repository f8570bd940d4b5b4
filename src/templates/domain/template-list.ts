import { isJsonObject } from '../../common/http/json';

/** What Meta allows as a template name: lower-case letters, digits and underscores, up to 512. */
export const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;
/** A WhatsApp language code: `en`, `fil`, `en_US`, `pt_BR`, `zh_HK`. */
export const TEMPLATE_LANGUAGE = /^[a-z]{2,3}(_[A-Z]{2,4})?$/;

export const TEMPLATE_CATEGORIES = ['AUTHENTICATION', 'MARKETING', 'UTILITY'] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];
export const OTP_TYPES = ['ONE_TAP', 'ZERO_TAP', 'COPY_CODE'] as const;
export type OtpType = (typeof OTP_TYPES)[number];

/** One template as the registry keeps it, read from Meta's list. */
export interface TemplateRow {
  name: string;
  language: string;
  category: TemplateCategory;
  otpType: OtpType | null;
  status: string | null;
  /** Meta's id of the template, when the item gives one. */
  templateId: string | null;
  /** It carries a REQUEST_CONTACT_INFO button (LINK's document, "Request phone numbers from users…"). */
  requestsContactInfo: boolean;
}

/** An item of Meta's list that cannot be kept, and why (named when it has a name). */
export interface SkippedTemplate {
  name: string | null;
  language: string | null;
  reason: string;
}

export interface TemplateList {
  rows: TemplateRow[];
  skipped: SkippedTemplate[];
}

/**
 * Reads Meta's template list as LINK's List Templates returns it: `{"data": [...]}` or a bare array.
 * Tolerant of what LINK's document shows: lower-case categories and component types, names with
 * stray spaces, a language given as `{"code": "en"}`. Answers `undefined` for a body that is no
 * template list at all. An item repeated (same name and language) counts once, the first.
 */
export function readTemplateList(body: unknown): TemplateList | undefined {
  const items = Array.isArray(body) ? body : isJsonObject(body) && Array.isArray(body.data) ? body.data : undefined;
  if (!items) return undefined;
  const list: TemplateList = { rows: [], skipped: [] };
  const seen = new Set<string>();
  for (const item of items) {
    const read = readTemplate(item);
    if ('reason' in read) {
      list.skipped.push(read);
    } else if (!seen.has(templateKey(read))) {
      seen.add(templateKey(read));
      list.rows.push(read);
    }
  }
  return list;
}

/** The key the registry and the send pipeline look templates up by. */
export function templateKey(key: { name: string; language: string }): string {
  return `${key.name}\u0000${key.language}`;
}

/**
 * One template in Meta's format: an item of List Templates, or the body of a Create Template
 * request. Answers why it cannot be kept when it cannot.
 */
export function readTemplate(item: unknown): TemplateRow | SkippedTemplate {
  if (!isJsonObject(item)) return { name: null, language: null, reason: 'not an object' };
  const name = text(item.name);
  const language = text(isJsonObject(item.language) ? item.language.code : item.language);
  const skip = (reason: string): SkippedTemplate => ({ name: name ?? null, language: language ?? null, reason });
  if (!name || !TEMPLATE_NAME.test(name)) return skip('name is missing or not a template name');
  if (!language || !TEMPLATE_LANGUAGE.test(language)) return skip('language is missing or not a language code');
  const category = text(item.category)?.toUpperCase();
  if (!isOneOf(TEMPLATE_CATEGORIES, category))
    return skip(`category ${JSON.stringify(item.category ?? null)} is not one of ${TEMPLATE_CATEGORIES.join(', ')}`);
  // An authentication template whose OTP kind cannot be read is kept all the same: its category
  // is what keeps it away from BSUIDs, and skipping it would make it unknown, so "not authentication".
  const otpType = category === 'AUTHENTICATION' ? readOtpType(item.components) : null;
  const status = text(item.status)?.toUpperCase() ?? null;
  const templateId = text(typeof item.id === 'number' ? String(item.id) : item.id) ?? null;
  return { name, language, category, otpType, status, templateId, requestsContactInfo: hasContactRequestButton(item.components) };
}

/** Whether Meta's components carry a REQUEST_CONTACT_INFO button. */
export function hasContactRequestButton(components: unknown): boolean {
  return buttonsOf(components).some((button) => text(button.type)?.toUpperCase() === 'REQUEST_CONTACT_INFO');
}

/** The `otp_type` of the OTP button, in the BUTTONS component of an authentication template. */
export function readOtpType(components: unknown): OtpType | null {
  for (const button of buttonsOf(components)) {
    if (text(button.type)?.toUpperCase() !== 'OTP') continue;
    const otpType = text(button.otp_type)?.toUpperCase();
    if (isOneOf(OTP_TYPES, otpType)) return otpType;
  }
  return null;
}

/** The buttons of every BUTTONS component. */
function buttonsOf(components: unknown): Record<string, unknown>[] {
  if (!Array.isArray(components)) return [];
  return components.flatMap((component) =>
    isJsonObject(component) && text(component.type)?.toUpperCase() === 'BUTTONS' && Array.isArray(component.buttons)
      ? component.buttons.filter(isJsonObject)
      : [],
  );
}

/** A string with its stray spaces trimmed, or undefined when blank or not a string. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function isOneOf<T extends string>(values: readonly T[], value: string | undefined): value is T {
  return value !== undefined && (values as readonly string[]).includes(value);
}
