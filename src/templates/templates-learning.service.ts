import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { readCreatedTemplate, readUpdatedTemplate } from './domain/template-learning';
import type { TemplateRow } from './domain/template-list';
import { Template } from './template.entity';
import { TemplatesService } from './templates.service';

/**
 * What template calls passed through to LINK teach the registry, the moment LINK accepts them: a
 * template created is known before any sync (an authentication one is kept off BSUIDs at once),
 * one updated takes its new category, one deleted is gone. Called only after LINK answered 2xx.
 * Templates learned this way are LINK's word (`proxy`): a sync replaces them, and removes them when
 * LINK no longer lists them.
 */
@Injectable()
export class TemplatesLearningService {
  private readonly logger = new Logger(TemplatesLearningService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly templates: TemplatesService,
  ) {}

  async created(portfolio: string, request: unknown, response: unknown): Promise<void> {
    const row = readCreatedTemplate(request, response);
    if (!row) {
      this.logger.warn(`a template created in ${portfolio} through the pass-through could not be read: the next sync learns it`);
      return;
    }
    await this.dataSource.transaction((manager) => this.write(manager, portfolio, [row]));
    this.templates.invalidate(portfolio);
  }

  /** An update names the template by Meta's id only: one the registry does not know by its id is left to the next sync. */
  async updated(portfolio: string, templateId: string, request: unknown, response: unknown): Promise<void> {
    const changed = await this.dataSource.transaction(async (manager) => {
      const current = await manager.find(Template, { where: { portfolio, templateId }, lock: { mode: 'pessimistic_write' } });
      const rows = current.map((template) => readUpdatedTemplate(rowOf(template), request, response));
      await this.write(manager, portfolio, rows);
      return rows.length;
    });
    if (changed === 0) this.logger.log(`a template updated in ${portfolio} is not known by its id yet: the next sync learns it`);
    this.templates.invalidate(portfolio);
  }

  /**
   * LINK's delete names Meta's id and the name. The template of that id goes, and so does any
   * language of the name whose id the registry does not know: keeping one LINK may have deleted
   * would vouch for a template that is gone, while one removed by mistake is only unknown, which
   * the send pipeline treats as closed and a sync brings back.
   */
  async deleted(portfolio: string, templateId: string, name: string): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(Template)
      .where('portfolio = :portfolio', { portfolio })
      .andWhere('(template_id = :templateId OR (name = :name AND template_id IS NULL))', { templateId, name: name.trim() })
      .execute();
    this.templates.invalidate(portfolio);
  }

  private async write(manager: EntityManager, portfolio: string, rows: TemplateRow[]): Promise<void> {
    if (rows.length === 0) return;
    const writes = rows.map((row) => ({ ...row, portfolio, source: 'proxy' as const, updatedAt: new Date() }));
    await manager.upsert(Template, writes, ['portfolio', 'name', 'language']);
  }
}

function rowOf({ name, language, category, otpType, status, templateId, requestsContactInfo }: Template): TemplateRow {
  return { name, language, category, otpType, status, templateId, requestsContactInfo };
}
