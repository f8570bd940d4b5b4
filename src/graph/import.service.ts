import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/api-keys.service';
import { mask } from '../common/logging/mask';
import type { PipelinedTransaction } from '../database/pipelined-transaction';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { PortfoliosService } from '../portfolios/portfolios.service';
import { GraphRepository } from './graph.repository';
import { Graph } from './domain/graph';
import { readImportRow } from './domain/import-row';
import { HistoryEntry, Observation } from './domain/observation';
import { ChangeDone, GraphStore } from './graph.store';

export type RowOutcome = 'created' | 'updated' | 'unchanged' | 'conflict' | 'invalid';

export interface ImportProblem {
  /** Position of the row in `contacts`, counting from 1. */
  row: number;
  outcome: 'conflict' | 'invalid';
  field: string;
  reason: string;
  contactId?: string;
}

export interface ImportReport {
  batchId: string;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  conflicts: number;
  invalid: number;
  problems: ImportProblem[];
}

interface ValidRow {
  row: number;
  observation: Observation;
  externalId?: string;
}

/**
 * A CRM's known links, imported as claimed evidence (rule 8): they fill the gaps of the graph but
 * never merge or move what Meta attested; each clash is kept as a conflict for an admin. The whole
 * import is one transaction, read and written set-based like a batch of webhooks.
 */
@Injectable()
export class ImportService {
  private readonly logger = new Logger(ImportService.name);

  constructor(
    private readonly store: GraphStore,
    private readonly writes: GraphRepository,
    private readonly portfolios: PortfoliosService,
  ) {}

  async import(portfolio: Portfolio, principal: Principal, rows: Record<string, unknown>[]): Promise<ImportReport> {
    const batchId = randomUUID();
    const region = this.portfolios.regionFor(portfolio);
    const at = new Date();
    const problems: ImportProblem[] = [];
    const valid: ValidRow[] = [];
    rows.forEach((raw, index) => {
      const read = readImportRow(raw, region);
      if (!read.ok) return problems.push({ row: index + 1, outcome: 'invalid', field: read.field, reason: read.reason });
      const observation: Observation = {
        portfolio: portfolio.key,
        ...read.links,
        eventAt: at,
        strength: 'claimed',
        fillsGaps: true,
        links: true,
        evidence: { kind: 'IMPORT', importBatch: batchId, admin: principal.name },
      };
      valid.push({ row: index + 1, observation, externalId: read.externalId });
    });

    const outcomes = await this.store.change((tx) => this.apply(tx, valid), { bulk: true });
    const report: ImportReport = {
      batchId,
      rows: rows.length,
      created: 0,
      updated: 0,
      unchanged: 0,
      conflicts: 0,
      invalid: problems.length,
      problems,
    };
    outcomes.forEach((outcome, index) => {
      if (outcome.problem) problems.push({ ...outcome.problem, row: valid[index].row });
      report[outcome.kind === 'conflict' ? 'conflicts' : outcome.kind]++;
    });
    problems.sort((a, b) => a.row - b.row);
    this.logger.log(
      `import ${batchId} into ${portfolio.key} by ${principal.name}: ${rows.length} rows, ${report.created} created, ${report.conflicts} conflicts`,
    );
    return report;
  }

  private async apply(tx: PipelinedTransaction, valid: ValidRow[]): Promise<ChangeDone<RowResult[]>> {
    const locked = await this.writes.claimAndLock(
      tx,
      [],
      valid.map((row) => row.observation),
    );
    const graph = new Graph(locked.contacts, randomUUID);
    const result = valid.map(({ observation, externalId }) => {
      const applied = graph.apply(observation);
      // A claim counts for its strength, not its time: what it changed is never replayed (rule 5).
      for (const entry of applied.history) if (entry.action !== 'conflict') graph.edit(graph.get(entry.contactId)!, { hasFullLog: false });
      const contact = applied.contact;
      const renamed = contact !== undefined && externalId !== undefined && contact.externalId !== externalId;
      if (renamed) graph.edit(contact, { externalId });
      return classify(applied.history, renamed);
    });
    return { change: graph.changes(), result };
  }
}

interface RowResult {
  kind: RowOutcome;
  problem?: Omit<ImportProblem, 'row'>;
}

/** What one row did, from the history it wrote. A clash anywhere in the row makes it a conflict. */
function classify(history: HistoryEntry[], renamed: boolean): RowResult {
  const conflict = history.find((entry) => entry.action === 'conflict');
  if (conflict) {
    const field = conflict.field as string;
    const reason = conflict.otherContactId
      ? `${mask(conflict.toValue as string)} belongs to another contact (${conflict.otherContactId}); kept as a conflict for an admin to settle`
      : `the contact already has ${conflict.fromValue ? mask(conflict.fromValue) : 'another value'} as ${field}, attested; kept as a conflict for an admin to settle`;
    return { kind: 'conflict', problem: { outcome: 'conflict', field, reason, contactId: conflict.contactId } };
  }
  if (history.some((entry) => entry.action === 'created')) return { kind: 'created' };
  return { kind: history.length > 0 || renamed ? 'updated' : 'unchanged' };
}
