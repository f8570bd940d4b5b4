import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../common/errors/app-error';
import { LinkClient } from '../link/link.client';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { readTemplateList, SkippedTemplate, templateKey, TemplateRow } from './domain/template-list';
import { KnownTemplate, planTemplateSync, TemplateSyncPlan } from './domain/template-sync';
import { Template } from './template.entity';
import { TemplateKeyView, TemplateSyncReport } from './template.view';
import { TemplatesService } from './templates.service';

/**
 * Pulls LINK's List Templates for every business number of a portfolio and brings the registry in
 * line (DESIGN: template registry). Every list is read before anything is written, so a sync that
 * fails on one number changes nothing.
 */
@Injectable()
export class TemplatesSyncService {
  private readonly logger = new Logger(TemplatesSyncService.name);

  constructor(
    private readonly link: LinkClient,
    private readonly dataSource: DataSource,
    private readonly templates: TemplatesService,
  ) {}

  async sync(portfolio: Portfolio): Promise<TemplateSyncReport> {
    const sources = (portfolio.businessNumbers ?? []).map((number) => number.number).sort();
    if (sources.length === 0) {
      throw AppError.conflict(
        `Portfolio ${portfolio.key} has no business numbers to list templates for: set them with PUT /v1/portfolios/${portfolio.key}`,
      );
    }
    const listedAt = new Date();
    const { rows, skipped } = await this.fetchAll(portfolio, sources);
    const plan = await this.dataSource.transaction((manager) => this.apply(manager, portfolio.key, rows, listedAt));
    this.templates.invalidate(portfolio.key);
    this.logger.log(
      `synced templates of ${portfolio.key}: ${plan.add.length} added, ${plan.update.length} updated, ${plan.unchanged} unchanged, ${plan.remove.length} removed, ${skipped.length} skipped`,
    );
    return { added: keys(plan.add), updated: keys(plan.update), unchanged: plan.unchanged, removed: keys(plan.remove), skipped, sources };
  }

  /**
   * The templates of all business numbers together. Numbers of one WhatsApp business account list
   * the same templates; where they differ, the first number (in order) that lists a template wins.
   */
  private async fetchAll(portfolio: Portfolio, sources: string[]): Promise<{ rows: TemplateRow[]; skipped: SkippedTemplate[] }> {
    const rows = new Map<string, TemplateRow>();
    const skipped = new Map<string, SkippedTemplate>();
    for (const source of sources) {
      const list = readTemplateList(await this.link.listTemplates(portfolio, source));
      if (!list) throw AppError.badGateway(`LINK answered List Templates of ${source} with a body that is not a template list`);
      for (const row of list.rows) if (!rows.has(templateKey(row))) rows.set(templateKey(row), row);
      for (const item of list.skipped) skipped.set(JSON.stringify(item), item);
    }
    return { rows: [...rows.values()], skipped: [...skipped.values()] };
  }

  private async apply(manager: EntityManager, portfolio: string, upstream: TemplateRow[], listedAt: Date): Promise<TemplateSyncPlan> {
    const known: KnownTemplate[] = await manager.find(Template, { where: { portfolio }, lock: { mode: 'pessimistic_write' } });
    const plan = planTemplateSync(known, upstream, listedAt);
    const writes = [...plan.add, ...plan.update].map((row) => ({ ...row, portfolio, source: 'sync' as const, updatedAt: new Date() }));
    if (writes.length > 0) await manager.upsert(Template, writes, ['portfolio', 'name', 'language']);
    if (plan.remove.length > 0) {
      await manager
        .createQueryBuilder()
        .delete()
        .from(Template)
        .where('portfolio = :portfolio', { portfolio })
        .andWhere('(name, language) IN (SELECT * FROM unnest(CAST(:names AS text[]), CAST(:languages AS text[])))', {
          names: plan.remove.map((template) => template.name),
          languages: plan.remove.map((template) => template.language),
        })
        .execute();
    }
    return plan;
  }
}

function keys(templates: TemplateRow[]): TemplateKeyView[] {
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return templates.map(({ name, language }) => ({ name, language })).sort((a, b) => order(a.name, b.name) || order(a.language, b.language));
}
