import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/api-keys.service';
import { mask } from '../common/logging/mask';
import type { IdentifierKind } from '../identifiers/domain/identifier';
import { ErasureReport, ErasureService } from '../graph/erasure.service';
import { SplitService } from '../graph/split.service';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { ContactView, toContactView } from './contact.view';
import { ContactsService } from './contacts.service';

export interface SplitView {
  /** The contact that kept the merge's result, after the split. */
  contact: ContactView;
  /** The contact that was merged into it, back on its own. */
  restored: ContactView;
  restoredIdentifiers: IdentifierKind[];
  /** Identifiers the merged contact brought that later evidence gave to a third contact, which keeps them. */
  keptElsewhere: IdentifierKind[];
}

/** An admin's changes to a contact named by any identifier: found here, made by the graph, answered as views. */
@Injectable()
export class ContactChangesService {
  constructor(
    private readonly contacts: ContactsService,
    private readonly splitter: SplitService,
    private readonly eraser: ErasureService,
  ) {}

  async split(portfolio: Portfolio, principal: Principal, identifier: string, entryId: string): Promise<SplitView> {
    const contact = await this.contacts.findOrFail(portfolio, identifier);
    const split = await this.splitter.split(portfolio.key, principal, contact.id, entryId);
    const after = await this.contacts.survivors(portfolio.key, [split.holderId, split.restoredId]);
    return {
      contact: toContactView(after.get(split.holderId)!),
      restored: toContactView(after.get(split.restoredId)!),
      restoredIdentifiers: split.restored,
      keptElsewhere: split.keptElsewhere,
    };
  }

  async erase(portfolio: Portfolio, principal: Principal, identifier: string): Promise<ErasureReport> {
    const contact = await this.contacts.findOrFail(portfolio, identifier);
    return this.eraser.erase(portfolio.key, principal, contact.id, mask(identifier));
  }
}
