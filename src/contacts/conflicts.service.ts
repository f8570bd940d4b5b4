import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/api-keys.service';
import { AppError } from '../common/errors/app-error';
import type { IdentifierKind } from '../identifiers/domain/identifier';
import { ConflictSettlementService } from '../graph/conflict-settlement.service';
import type { Evidence } from '../graph/domain/observation';
import type { ConflictRow, ConflictStatus } from '../graph/link-conflicts.repository';
import { ConflictsRepository } from './conflicts.repository';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { ContactView, toContactView } from './contact.view';
import { ContactsService } from './contacts.service';
import { ListConflictsQueryDto } from './dto/list-conflicts-query.dto';

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

/** Clashes between claims and the graph (rule 8), for an admin to see and settle. */
@Injectable()
export class ConflictsService {
  constructor(
    private readonly conflicts: ConflictsRepository,
    private readonly settlement: ConflictSettlementService,
    private readonly contacts: ContactsService,
  ) {}

  /** Newest first; both sides as they are now. */
  async list(portfolio: Portfolio, query: ListConflictsQueryDto): Promise<{ items: ConflictView[]; nextCursor: string | null }> {
    const rows = await this.conflicts.list(portfolio.key, query.status, query.cursor, query.limit);
    const page = rows.slice(0, query.limit);
    return { items: await this.toViews(portfolio, page), nextCursor: rows.length > query.limit ? String(page[page.length - 1].id) : null };
  }

  async get(portfolio: Portfolio, id: string): Promise<ConflictView> {
    const row = await this.conflicts.find(portfolio.key, id);
    if (!row) throw AppError.notFound(`No conflict ${id} in portfolio ${portfolio.key}`);
    return (await this.toViews(portfolio, [row]))[0];
  }

  /** Settles the conflict (see `ConflictSettlementService`) and answers it as it is then. */
  async settle(portfolio: Portfolio, principal: Principal, id: string, resolution: 'keep' | 'accept'): Promise<ConflictView> {
    await this.settlement.settle(portfolio.key, principal, id, resolution);
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
