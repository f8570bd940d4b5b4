import { Injectable } from '@nestjs/common';
import { Identifier, identifierKey } from '../identifiers/domain/identifier';
import { isInvalid } from '../graph/domain/observation';
import { careWindowOpenUntil } from '../graph/domain/time-rules';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { PortfoliosService } from '../portfolios/portfolios.service';
import { ContactsRepository } from './contacts.repository';
import type { Directory, KnownContact } from './domain/directory';

/**
 * Looks up every identifier of a send request in a fixed number of queries, whatever its size:
 * the portfolio's contacts, BSUIDs its contacts held once, and identifiers of other portfolios.
 */
@Injectable()
export class ContactsDirectoryService {
  constructor(
    private readonly contacts: ContactsRepository,
    private readonly portfolios: PortfoliosService,
  ) {}

  /** `marketing`: the request carries a marketing template, so each contact's marketing choice is looked up too. */
  async directoryFor(portfolio: Portfolio, identifiers: Identifier[], marketing = false): Promise<Directory> {
    const directory: Directory = { contacts: new Map(), foreign: new Set() };
    for (const row of await this.contacts.lookUpForSend(portfolio.key, identifiers, marketing)) {
      const { kind, value, lastInboundMs, ...contact } = row;
      const careWindow = careWindowOpenUntil(lastInboundMs === null ? null : Number(lastInboundMs));
      directory.contacts.set(identifierKey({ kind, value }), { ...contact, careWindowOpenUntil: careWindow });
    }

    const unknown = (kind: Identifier['kind']) => [
      ...new Set(
        identifiers
          .filter((identifier) => identifier.kind === kind && !directory.contacts.has(identifierKey(identifier)))
          .map((identifier) => identifier.value),
      ),
    ];
    for (const [value, contact] of await this.pastBsuids(portfolio.key, unknown('bsuid')))
      directory.contacts.set(identifierKey({ kind: 'bsuid', value }), contact);
    const [bsuids, parents] = [unknown('bsuid'), unknown('parentBsuid')];
    if (bsuids.length === 0 && parents.length === 0) return directory;
    const group = portfolio.group ? await this.portfolios.groupKeys(portfolio.group) : [portfolio.key];
    for (const value of await this.contacts.foreign(portfolio.key, group, bsuids, parents)) directory.foreign.add(value);
    return directory;
  }

  /** BSUIDs a contact held once (dropped by a merge), each with the contact that holds that person now. */
  private async pastBsuids(portfolio: string, bsuids: string[]): Promise<Map<string, KnownContact>> {
    const rows = await this.contacts.pastBsuids(portfolio, bsuids);
    const survivors = await this.contacts.survivors(
      portfolio,
      rows.map((row) => row.contactId),
    );
    const found = new Map<string, KnownContact>();
    for (const row of rows) {
      const contact = survivors.get(row.contactId);
      if (!contact) continue;
      const { id, msisdn, bsuid, parentBsuid } = contact;
      found.set(row.value, {
        id,
        msisdn,
        bsuid,
        parentBsuid,
        invalid: isInvalid(contact),
        careWindowOpenUntil: careWindowOpenUntil(contact.lastInboundAt),
        marketingOptedOut: contact.marketing?.optedOut ?? false,
      });
    }
    return found;
  }
}
