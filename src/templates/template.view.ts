import type { OtpType, TemplateCategory } from './domain/template-list';
import type { TemplateSource } from './domain/template-sync';
import type { Template } from './template.entity';

export interface TemplateView {
  portfolio: string;
  name: string;
  language: string;
  category: TemplateCategory;
  otpType: OtpType | null;
  status: string | null;
  source: TemplateSource;
  createdAt: string;
  updatedAt: string;
}

export function toTemplateView(template: Template): TemplateView {
  return {
    portfolio: template.portfolio,
    name: template.name,
    language: template.language,
    category: template.category,
    otpType: template.otpType,
    status: template.status,
    source: template.source,
    createdAt: template.createdAt.toISOString(),
    updatedAt: template.updatedAt.toISOString(),
  };
}

/** What `POST …/templates/sync` answers. */
export interface TemplateSyncReport {
  added: TemplateKeyView[];
  updated: TemplateKeyView[];
  unchanged: number;
  removed: TemplateKeyView[];
  /** Items of LINK's list that could not be kept, with the reason. */
  skipped: { name: string | null; language: string | null; reason: string }[];
  /** The business numbers whose lists were read. */
  sources: string[];
}

export interface TemplateKeyView {
  name: string;
  language: string;
}
