import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../auth/api-keys.service';
import { AppError } from '../common/errors/app-error';
import { ConcurrentChangeError } from '../common/errors/database-errors';
import { acceptClaim, keepExisting } from './domain/corrections';
import { Evidence } from './domain/observation';
import { GraphRepository } from './graph.repository';
import { GraphStore } from './graph.store';
import { LinkConflictsRepository } from './link-conflicts.repository';

/** Rule 8: an admin settles a clash between a claim and the graph. */
@Injectable()
export class ConflictSettlementService {
  private readonly logger = new Logger(ConflictSettlementService.name);

  constructor(
    private readonly store: GraphStore,
    private readonly writes: GraphRepository,
    private readonly conflicts: LinkConflictsRepository,
  ) {}

  /**
   * Keeps what the contact has, or accepts the claim (the value moves to the contact from
   * whoever holds it). Either way the settlement is history, and the conflict is closed.
   */
  async settle(portfolio: string, principal: Principal, id: string, resolution: 'keep' | 'accept'): Promise<void> {
    await this.store.change(async (tx) => {
      const conflict = await this.conflicts.lock(tx, portfolio, id);
      if (!conflict) throw AppError.notFound(`No conflict ${id} in portfolio ${portfolio}`);
      if (conflict.status === 'withdrawn')
        throw AppError.conflict(
          `Conflict ${id} was withdrawn: a late webhook put its part of the graph in event-time order, where it no longer arises`,
        );
      if (conflict.status !== 'open') throw AppError.conflict(`Conflict ${id} was already settled (${conflict.status})`);
      const contactId = await this.writes.survivorId(tx, portfolio, conflict.contactId);
      if (!contactId) throw AppError.notFound(`The contact of conflict ${id} no longer exists`);

      const values = { msisdn: [], bsuid: [], parentBsuid: [], [conflict.field]: [conflict.claimedValue] };
      const graph = await this.store.lockGraph(tx, portfolio, [contactId], values);
      const contact = graph.get(contactId);
      if (!contact) throw AppError.notFound(`The contact of conflict ${id} no longer exists`);
      if (contact.mergedInto) throw new ConcurrentChangeError(); // merged between finding and locking it: again
      if (resolution === 'accept' && contact[conflict.field] !== conflict.existingValue) {
        // A merge or a later webhook changed the link since the claim: accepting now would replace
        // a value the conflict never showed the admin.
        throw AppError.conflict(
          `The contact's ${conflict.field} changed since conflict ${id} was raised; look at the contact again before accepting`,
        );
      }
      const evidence: Evidence = { kind: 'ADMIN', admin: principal.name, conflictId: String(id), resolution };
      const now = new Date();
      if (resolution === 'accept') acceptClaim(graph, contact, conflict.field, conflict.claimedValue, evidence, now);
      else keepExisting(graph, contact, conflict.field, evidence, now);
      await this.conflicts.markSettled(tx, portfolio, id, resolution === 'accept' ? 'accepted' : 'kept', now, principal.name);
      // An admin's word is not an observation a replay could repeat: the contact leaves the log's reach (rule 5).
      graph.edit(contact, { hasFullLog: false });
      return { change: { ...graph.changes(), corrected: true }, result: undefined };
    });
    this.logger.log(`conflict ${id} in ${portfolio} settled (${resolution}) by ${principal.name}`);
  }
}
