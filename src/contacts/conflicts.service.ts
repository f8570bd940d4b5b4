import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/api-keys.service';
import { AppError } from '../common/errors/app-error';
import { ConcurrentChangeError } from '../common/errors/database-errors';
import { PipelinedTransaction } from '../database/pipelined-transaction';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { ContactView, toContactView } from './contact.view';
import { ContactsWriteRepository } from '../graph/graph.repository';
import { ContactsService } from './contacts.service';
import { acceptClaim, keepExisting } from '../graph/domain/corrections';
import { Graph } from '../graph/domain/graph';
import { Evidence } from '../graph/domain/observation';
import { ConflictStatus, ListConflictsQueryDto } from './dto/list-conflicts-query.dto';
import { IdentifierKind } from '../identifiers/domain/identifier';

interface ConflictRow {
  id: string;
  contactId: string;
  otherContactId: string | null;
  field: IdentifierKind;
  existingValue: string | null;
  claimedValue: string;
  strength: string;
  evidence: Evidence;
  eventAt: Date;
  status: ConflictStatus;
  createdAt: Date;
  settledAt: Date | null;
  settledBy: string | null;
}

export interface ConflictView {
  id: string;
  status: ConflictStatus;
  field: IdentifierKind;
  /** What the contact had when the claim came (null: nothing). */
  existingValue: string | null;
  claimedValue: string;
  strength: string;
  evidence: Evidence;
  eventAt: string;
  createdAt: string;
  settledAt: string | null;
  settledBy: string | null;
  /** The contact the claim was about, as it is now (null once erased). */
  contact: ContactView | null;
  /** The contact that held the claimed value, as it is now, when another one did. */
  otherContact: ContactView | null;
}

const CONFLICT_COLUMNS = `id, contact_id AS "contactId", other_contact_id AS "otherContactId", field, existing_value AS "existingValue",
  claimed_value AS "claimedValue", strength, evidence, event_at AS "eventAt", status, created_at AS "createdAt",
  settled_at AS "settledAt", settled_by AS "settledBy"`;

/** Clashes between claims and the graph (rule 8), for an admin to see and settle. */
@Injectable()
export class ConflictsService {
  private readonly logger = new Logger(ConflictsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly writes: ContactsWriteRepository,
    private readonly contacts: ContactsService,
  ) {}

  /** Newest first; both sides as they are now. */
  async list(portfolio: Portfolio, query: ListConflictsQueryDto): Promise<{ items: ConflictView[]; nextCursor: string | null }> {
    const rows: ConflictRow[] = await this.dataSource.query(
      `SELECT ${CONFLICT_COLUMNS} FROM link_conflict
       WHERE portfolio = $1 AND status = $2 AND ($3::bigint IS NULL OR id < $3::bigint)
       ORDER BY id DESC LIMIT $4`,
      [portfolio.key, query.status, query.cursor ?? null, query.limit + 1],
    );
    const page = rows.slice(0, query.limit);
    return { items: await this.toViews(portfolio, page), nextCursor: rows.length > query.limit ? String(page[page.length - 1].id) : null };
  }

  async get(portfolio: Portfolio, id: string): Promise<ConflictView> {
    const rows: ConflictRow[] = await this.dataSource.query(`SELECT ${CONFLICT_COLUMNS} FROM link_conflict WHERE portfolio = $1 AND id = $2`, [portfolio.key, id]);
    if (rows.length === 0) throw AppError.notFound(`No conflict ${id} in portfolio ${portfolio.key}`);
    return (await this.toViews(portfolio, rows))[0];
  }

  /**
   * Keeps what the contact has, or accepts the claim (the value moves to the contact from
   * whoever holds it). Either way the settlement is history, and the conflict is closed.
   */
  async settle(portfolio: Portfolio, principal: Principal, id: string, resolution: 'keep' | 'accept'): Promise<ConflictView> {
    await PipelinedTransaction.runRetrying(this.dataSource, async (tx) => {
      const [conflict] = await tx.query<ConflictRow>(
        `SELECT ${CONFLICT_COLUMNS} FROM link_conflict WHERE portfolio = $1 AND id = $2 FOR UPDATE`,
        [portfolio.key, id],
      );
      if (!conflict) throw AppError.notFound(`No conflict ${id} in portfolio ${portfolio.key}`);
      if (conflict.status === 'withdrawn') throw AppError.conflict(`Conflict ${id} was withdrawn: a late webhook put its part of the graph in event-time order, where it no longer arises`);
      if (conflict.status !== 'open') throw AppError.conflict(`Conflict ${id} was already settled (${conflict.status})`);
      const contactId = await this.writes.survivorId(tx, portfolio.key, conflict.contactId);
      if (!contactId) throw AppError.notFound(`The contact of conflict ${id} no longer exists`);

      const values = { msisdn: [], bsuid: [], parentBsuid: [], [conflict.field]: [conflict.claimedValue] };
      const graph = new Graph(await this.writes.lock(tx, portfolio.key, [contactId], values), randomUUID);
      const contact = graph.get(contactId);
      if (!contact) throw AppError.notFound(`The contact of conflict ${id} no longer exists`);
      if (contact.mergedInto) throw new ConcurrentChangeError(); // merged between finding and locking it: again
      if (resolution === 'accept' && contact[conflict.field] !== conflict.existingValue) {
        // A merge or a later webhook changed the link since the claim: accepting now would replace
        // a value the conflict never showed the admin.
        throw AppError.conflict(`The contact's ${conflict.field} changed since conflict ${id} was raised; look at the contact again before accepting`);
      }
      const evidence: Evidence = { kind: 'ADMIN', admin: principal.name, conflictId: String(id), resolution };
      const now = new Date();
      const history =
        resolution === 'accept' ? acceptClaim(graph, contact, conflict.field, conflict.claimedValue, evidence, now) : keepExisting(contact, conflict.field, evidence, now);
      await tx.query(`UPDATE link_conflict SET status = $3, settled_at = $4, settled_by = $5 WHERE portfolio = $1 AND id = $2`, [
        portfolio.key,
        id,
        resolution === 'accept' ? 'accepted' : 'kept',
        now,
        principal.name,
      ]);
      // An admin's word is not an observation a replay could repeat: the contact leaves the log's reach (rule 5).
      graph.markChanged(contact.id);
      await this.writes.writeAndCommit(tx, { contacts: [...graph.changed].map((changed) => graph.get(changed)!), history, conflicts: [], exchanges: [], corrected: true });
    });
    this.logger.log(`conflict ${id} in ${portfolio.key} settled (${resolution}) by ${principal.name}`);
    return this.get(portfolio, id);
  }

  private async toViews(portfolio: Portfolio, rows: ConflictRow[]): Promise<ConflictView[]> {
    const ids = rows.flatMap((row) => (row.otherContactId ? [row.contactId, row.otherContactId] : [row.contactId]));
    const survivors = await this.contacts.survivors(portfolio.key, ids);
    const view = (id: string | null) => {
      const contact = id ? survivors.get(id) : undefined;
      return contact ? toContactView(contact) : null;
    };
    return rows.map((row) => ({
      id: String(row.id),
      status: row.status,
      field: row.field,
      existingValue: row.existingValue,
      claimedValue: row.claimedValue,
      strength: row.strength,
      evidence: row.evidence,
      eventAt: row.eventAt.toISOString(),
      createdAt: row.createdAt.toISOString(),
      settledAt: row.settledAt?.toISOString() ?? null,
      settledBy: row.settledBy,
      contact: view(row.contactId),
      otherContact: view(row.otherContactId),
    }));
  }
}
