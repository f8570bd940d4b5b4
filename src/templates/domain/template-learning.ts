import { isJsonObject } from '../../common/http/json';
import {
  hasContactRequestButton,
  isOneOf,
  readOtpType,
  readTemplate,
  TEMPLATE_CATEGORIES,
  TemplateCategory,
  TemplateRow,
} from './template-list';

/**
 * What a Create Template that LINK accepted says of the template (LINK's document, "Create
 * Template"): the request in Meta's format, completed by LINK's answer, which may carry Meta's id,
 * its review status and the category Meta gave it (Meta may move a template to another category).
 * Answers undefined when the request is no template the registry can keep.
 */
export function readCreatedTemplate(request: unknown, response: unknown): TemplateRow | undefined {
  const read = readTemplate(request);
  if ('reason' in read) return undefined;
  const components = isJsonObject(request) && Array.isArray(request.components) ? request.components : undefined;
  return withAnswer(read, response, components);
}

/**
 * A template after an Update Template that LINK accepted: Meta lets an update change the category
 * and the components only, so the name and language stay. Components absent leave the OTP kind and
 * the contact-request button as they were.
 */
export function readUpdatedTemplate(current: TemplateRow, request: unknown, response: unknown): TemplateRow {
  const body = isJsonObject(request) ? request : {};
  const category = readCategory(body.category) ?? current.category;
  const components = Array.isArray(body.components) ? body.components : undefined;
  const otpType = category !== 'AUTHENTICATION' ? null : components ? readOtpType(components) : current.otpType;
  const requestsContactInfo = components ? hasContactRequestButton(components) : current.requestsContactInfo;
  return withAnswer({ ...current, category, otpType, requestsContactInfo }, response, components);
}

function withAnswer(row: TemplateRow, response: unknown, components?: unknown[]): TemplateRow {
  if (!isJsonObject(response)) return row;
  const id = typeof response.id === 'number' ? String(response.id) : response.id;
  const templateId = typeof id === 'string' && id.trim() !== '' ? id.trim() : row.templateId;
  const status = typeof response.status === 'string' && response.status.trim() !== '' ? response.status.trim().toUpperCase() : row.status;
  const category = readCategory(response.category) ?? row.category;
  // Meta may make a template an authentication one: it counts as one, whatever its OTP kind.
  const otpType = category === 'AUTHENTICATION' ? (row.otpType ?? (components ? readOtpType(components) : null)) : null;
  return { ...row, templateId, status, category, otpType };
}

function readCategory(value: unknown): TemplateCategory | undefined {
  const category = typeof value === 'string' ? value.trim().toUpperCase() : undefined;
  return isOneOf(TEMPLATE_CATEGORIES, category) ? category : undefined;
}
