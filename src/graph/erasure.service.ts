import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../auth/api-keys.service';
import { AppError } from '../common/errors/app-error';
import { mask } from '../common/logging/mask';
import type { IdentifierKind } from '../identifiers/domain/identifier';
import { SentMessagesRepository } from '../sent-messages/sent-messages.repository';
import { ErasureCounts, ErasureRepository } from './erasure.repository';
import { GraphRepository } from './graph.repository';
import { GraphStore } from './graph.store';

export interface ErasureReport extends ErasureCounts {
  /** The contact asked for and every contact merged into it: one person. */
  contactIds: string[];
  /** The identifiers removed, masked: the answer must not carry them again. */
  identifiers: { field: IdentifierKind; value: string }[];
}

const COLUMN_FIELD: Record<string, IdentifierKind> = { msisdn: 'msisdn', bsuid: 'bsuid', parent_bsuid: 'parentBsuid' };

/**
 * Erasure of a person's personal data (identifiers, timestamps, history): the contact and every
 * contact merged into it are deleted, with their history, conflicts, exchanges and sent messages. Other
 * contacts' history rows that name the person or carry one of their identifiers (a move, a merge,
 * a clash, a past holder of a recycled number) keep the event but lose the values. A later
 * webhook may learn the person again, as a new contact.
 */
@Injectable()
export class ErasureService {
  private readonly logger = new Logger(ErasureService.name);

  constructor(
    private readonly store: GraphStore,
    private readonly writes: GraphRepository,
    private readonly erasures: ErasureRepository,
    private readonly sentMessages: SentMessagesRepository,
  ) {}

  /** Erases the person of contact `contactId`; `asked` names them (masked) in a 404 when they are gone meanwhile. */
  async erase(portfolio: string, principal: Principal, contactId: string, asked: string): Promise<ErasureReport> {
    // A send just answered may still be writing its record: it is the person's too.
    await this.sentMessages.settled();
    const report = await this.store.change(async (tx) => {
      // The contact may have been merged into another since it was found: erase the person where they are now.
      const survivor = await this.writes.survivorId(tx, portfolio, contactId);
      if (!survivor) throw AppError.notFound(`No contact for ${asked} in portfolio ${portfolio}`);
      const family = await this.erasures.lockFamily(tx, portfolio, survivor);
      const counts = await this.erasures.deleteFamily(tx, portfolio, family);
      // What was sent to the person is theirs too: by contact, or by an identifier that was theirs.
      await this.sentMessages.eraseIn(tx, portfolio, family.ids, family.erased);
      const result: ErasureReport = {
        contactIds: family.ids,
        identifiers: family.identifiers.map(({ field, value }) => ({ field: COLUMN_FIELD[field], value: mask(value) })),
        ...counts,
      };
      return { change: { contacts: [], history: [], erased: { portfolio, contactIds: family.ids, eventTx: family.eventTx } }, result };
    });
    this.logger.log(`erased contact ${contactId} (${report.contactIds.length} contacts) in ${portfolio} by ${principal.name}`);
    return report;
  }
}
