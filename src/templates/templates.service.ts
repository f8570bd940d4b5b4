import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { AppError } from '../common/errors/app-error';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { templateKey, TemplateCategory } from './domain/template-list';
import { matchTemplates, TemplateMatch, TemplateRef } from './domain/template-match';
import { PutTemplateDto } from './dto/put-template.dto';
import { Template } from './template.entity';
import { toTemplateView, TemplateView } from './template.view';

/** How long a replica trusts its copy of a portfolio's templates; a change on this replica refreshes it at once. */
const CACHE_MS = 10_000;

/** What the send pipeline looks a template up by: its view, and whether it asks for the user's phone. */
type RegistryEntry = TemplateView & { requestsContactInfo: boolean };

/** The template registry: what admins enter and read, and what the send pipeline looks up. */
@Injectable()
export class TemplatesService {
  /** Each portfolio's templates by `templateKey`: every send looks them up, and they seldom change. */
  private readonly cached = new Map<string, { loadedAt: number; templates: Promise<Map<string, RegistryEntry>> }>();

  constructor(
    @InjectRepository(Template) private readonly templates: Repository<Template>,
    private readonly dataSource: DataSource,
  ) {}

  async list(portfolio: Portfolio, category?: TemplateCategory): Promise<TemplateView[]> {
    const found = await this.templates.find({
      where: category ? { portfolio: portfolio.key, category } : { portfolio: portfolio.key },
      order: { name: 'ASC', language: 'ASC' },
    });
    return found.map(toTemplateView);
  }

  async get(portfolio: Portfolio, name: string, language?: string): Promise<TemplateView> {
    return toTemplateView(await this.findOne(portfolio.key, name, language));
  }

  /** An admin's word on a template: created or replaced whole; Meta's status, from a sync, stays. */
  async put(portfolio: Portfolio, name: string, dto: PutTemplateDto): Promise<{ created: boolean; template: TemplateView }> {
    const key = { portfolio: portfolio.key, name, language: dto.language };
    const created = await this.dataSource.transaction(async (manager) => {
      const current = await manager.findOne(Template, { where: key, lock: { mode: 'pessimistic_write' } });
      await manager.upsert(
        Template,
        {
          ...key,
          category: dto.category,
          otpType: dto.otpType ?? null,
          status: current?.status ?? null,
          source: 'admin',
          updatedAt: new Date(),
        },
        ['portfolio', 'name', 'language'],
      );
      return current === null;
    });
    this.invalidate(portfolio.key);
    return { created, template: toTemplateView(await this.templates.findOneByOrFail(key)) };
  }

  /** Removes one template and answers it as it was. */
  async remove(portfolio: Portfolio, name: string, language?: string): Promise<TemplateView> {
    const removed = await this.dataSource.transaction(async (manager) => {
      const template = await this.findOne(portfolio.key, name, language, manager.getRepository(Template));
      await manager.delete(Template, { portfolio: template.portfolio, name: template.name, language: template.language });
      return toTemplateView(template);
    });
    this.invalidate(portfolio.key);
    return removed;
  }

  /**
   * What the registry says of the templates a request names: matched by trimmed name, an
   * authentication name counting in every language (`matchTemplates`). At most one query (the
   * portfolio's templates, kept for CACHE_MS), whatever their number.
   */
  async match(portfolioKey: string, refs: TemplateRef[]): Promise<TemplateMatch[]> {
    if (refs.length === 0) return [];
    return matchTemplates((await this.templatesOf(portfolioKey)).values(), refs);
  }

  /** Whether a template of one of these names (trimmed) carries a REQUEST_CONTACT_INFO button, in any language. */
  async requestsContactInfo(portfolioKey: string, names: string[]): Promise<boolean> {
    if (names.length === 0) return false;
    const wanted = new Set(names.map((name) => name.trim()));
    for (const template of (await this.templatesOf(portfolioKey)).values()) {
      if (template.requestsContactInfo && wanted.has(template.name)) return true;
    }
    return false;
  }

  /** Drops the cached copy of a portfolio's templates (of every portfolio without a key): they changed. */
  invalidate(portfolioKey?: string): void {
    if (portfolioKey === undefined) this.cached.clear();
    else this.cached.delete(portfolioKey);
  }

  private templatesOf(portfolioKey: string): Promise<Map<string, RegistryEntry>> {
    const hit = this.cached.get(portfolioKey);
    if (hit && Date.now() - hit.loadedAt < CACHE_MS) return hit.templates;
    const templates = this.templates
      .find({ where: { portfolio: portfolioKey } })
      .then(
        (found) =>
          new Map(
            found.map((template) => [
              templateKey(template),
              { ...toTemplateView(template), requestsContactInfo: template.requestsContactInfo },
            ]),
          ),
      );
    this.cached.set(portfolioKey, { loadedAt: Date.now(), templates });
    templates.catch(() => this.invalidate(portfolioKey));
    return templates;
  }

  /** A template by name, and by language unless the name has one language only. */
  private async findOne(portfolio: string, name: string, language?: string, repository = this.templates): Promise<Template> {
    const where = language ? { portfolio, name, language } : { portfolio, name };
    const found = await repository.find({ where, order: { language: 'ASC' }, take: language ? 1 : 10 });
    if (found.length === 0) throw AppError.notFound(`No template ${name}${language ? ` in ${language}` : ''}`);
    if (found.length > 1) {
      const languages = found.map((template) => template.language).join(', ');
      throw AppError.invalidField('language', `template ${name} exists in several languages (${languages}): name one with ?language=`);
    }
    return found[0];
  }
}
