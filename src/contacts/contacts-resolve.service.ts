import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/api-keys.service';
import { reachOf } from '../auth/api-keys.service';
import { AppError } from '../common/errors/app-error';
import { CONTACT_COLUMNS, ContactRead } from '../graph/contact.entity';
import { describeInput, Identifier, identifierKey, parseIdentifier, tryParseIdentifier } from '../identifiers/domain/identifier';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { PortfoliosService } from '../portfolios/portfolios.service';
import { ContactView, toContactView } from './contact.view';
import { ContactsRepository } from './contacts.repository';

export type ResolveResult =
  | { input: unknown; status: 'found'; contact: ContactView }
  | { input: unknown; status: 'unknown' }
  | { input: unknown; status: 'invalid'; error: string };

export interface GroupContacts {
  group: string;
  parentBsuid: string;
  contacts: ContactView[];
}

/** CRM look-ups in bulk: many identifiers at once, and a parent BSUID across a group. */
@Injectable()
export class ContactsResolveService {
  constructor(
    private readonly contacts: ContactsRepository,
    private readonly portfolios: PortfoliosService,
  ) {}

  /**
   * Answers each identifier in input order, in one query whatever the batch size. An input that
   * is not an identifier is answered `invalid` with the reason; it never fails the batch.
   */
  async resolve(portfolio: Portfolio, inputs: unknown[]): Promise<{ results: ResolveResult[] }> {
    const region = this.portfolios.regionFor(portfolio);
    const parsed = inputs.map((input) => tryParseIdentifier(input, region));
    const identifiers = parsed.flatMap((result): Identifier[] => (result.ok ? [result.identifier] : []));
    const found = new Map<string, ContactView>();
    for (const row of await this.contacts.lookUp<ContactRead>(portfolio.key, identifiers, CONTACT_COLUMNS))
      found.set(identifierKey(row), toContactView(row));
    const results = parsed.map((result, index): ResolveResult => {
      const input = inputs[index];
      if (!result.ok) return { input, status: 'invalid', error: `${describeInput(input)} ${result.reason}` };
      const contact = found.get(identifierKey(result.identifier));
      return contact ? { input, status: 'found', contact } : { input, status: 'unknown' };
    });
    return { results };
  }

  /** The contact in each portfolio of the group, among those the key reaches, that shares the parent BSUID. */
  async inGroup(principal: Principal, group: string, raw: string): Promise<GroupContacts> {
    const members = await this.portfolios.inGroup(reachOf(principal), group);
    if (members.length === 0) throw AppError.notFound(`No group ${group} among the portfolios this key reaches`);
    const parent = parseIdentifier(raw, this.portfolios.regionFor(members[0]), 'parentBsuid');
    assertParent(parent, raw);
    const rows = await this.contacts.withParent(
      members.map((member) => member.key),
      parent.value,
    );
    return { group, parentBsuid: parent.value, contacts: rows.map(toContactView) };
  }
}

function assertParent(identifier: Identifier, raw: string): void {
  if (identifier.kind !== 'parentBsuid') {
    throw AppError.invalidField('parentBsuid', `${describeInput(raw)} is not a parent BSUID (CC.ENT.<id>)`);
  }
}
