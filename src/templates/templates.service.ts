import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { AppError } from '../common/errors/app-error';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { templateKey, TemplateCategory } from './domain/template-list';
import { PutTemplateDto } from './dto/put-template.dto';
import { Template } from './template.entity';
import { toTemplateView, TemplateView } from './template.view';

/** The template registry: what admins enter and read, and what the send pipeline looks up. */
@Injectable()
export class TemplatesService {
  constructor(
    @InjectRepository(Template) private readonly templates: Repository<Template>,
    private readonly dataSource: DataSource,
  ) {}

  async list(portfolio: Portfolio, category?: TemplateCategory): Promise<TemplateView[]> {
    const found = await this.templates.find({ where: category ? { portfolio: portfolio.key, category } : { portfolio: portfolio.key }, order: { name: 'ASC', language: 'ASC' } });
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
        { ...key, category: dto.category, otpType: dto.otpType ?? null, status: current?.status ?? null, source: 'admin', updatedAt: new Date() },
        ['portfolio', 'name', 'language'],
      );
      return current === null;
    });
    return { created, template: toTemplateView(await this.templates.findOneByOrFail(key)) };
  }

  /** Removes one template and answers it as it was. */
  async remove(portfolio: Portfolio, name: string, language?: string): Promise<TemplateView> {
    return this.dataSource.transaction(async (manager) => {
      const template = await this.findOne(portfolio.key, name, language, manager.getRepository(Template));
      await manager.delete(Template, { portfolio: template.portfolio, name: template.name, language: template.language });
      return toTemplateView(template);
    });
  }

  /**
   * The templates of a portfolio for a set of (name, language), in one query whatever their
   * number, keyed by `templateKey` (`${name}\u0000${language}`). Unknown ones are absent.
   */
  async findMany(portfolioKey: string, keys: { name: string; language: string }[]): Promise<Map<string, TemplateView>> {
    const unique = [...new Map(keys.map((key) => [templateKey(key), key])).values()];
    if (unique.length === 0) return new Map();
    const found = await this.templates
      .createQueryBuilder('t')
      .where('t.portfolio = :portfolio', { portfolio: portfolioKey })
      .andWhere('(t.name, t.language) IN (SELECT * FROM unnest(CAST(:names AS text[]), CAST(:languages AS text[])))', {
        names: unique.map((key) => key.name),
        languages: unique.map((key) => key.language),
      })
      .getMany();
    return new Map(found.map((template) => [templateKey(template), toTemplateView(template)]));
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
