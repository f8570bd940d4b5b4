import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/api-keys.service';
import { reachOf } from '../auth/api-keys.service';
import { AppError } from '../common/errors/app-error';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { PortfoliosService } from '../portfolios/portfolios.service';
import { CONTACT_COLUMNS, ContactRead } from './contact.entity';
import { ContactView, toContactView } from './contact.view';
import { describeInput, Identifier, parseIdentifier, tryParseIdentifier } from './domain/identifier';

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
    private readonly dataSource: DataSource,
    private readonly portfolios: PortfoliosService,
  ) {}

  /**
   * Answers each identifier in input order, in one query whatever the batch size. An input that
   * is not an identifier is answered `invalid` with the reason; it never fails the batch.
   */
  async resolve(portfolio: Portfolio, inputs: unknown[]): Promise<{ results: ResolveResult[] }> {
    const region = this.portfolios.regionFor(portfolio);
    const parsed = inputs.map((input) => tryParseIdentifier(input, region));
    const wanted = { msisdn: new Set<string>(), bsuid: new Set<string>(), parentBsuid: new Set<string>() };
    for (const result of parsed) if (result.ok) wanted[result.identifier.kind].add(result.identifier.value);

    // One index look-up per identifier (joins on unnest): an OR of three `= ANY` lists is planned
    // as a scan of the whole portfolio once the lists are long.
    const rows: ContactRead[] = await this.dataSource.query(
      `SELECT ${CONTACT_COLUMNS} FROM unnest($2::text[]) AS k(value) JOIN contact c ON c.portfolio = $1 AND c.msisdn = k.value
       UNION ALL
       SELECT ${CONTACT_COLUMNS} FROM unnest($3::text[]) AS k(value) JOIN contact c ON c.portfolio = $1 AND c.bsuid = k.value
       UNION ALL
       SELECT ${CONTACT_COLUMNS} FROM unnest($4::text[]) AS k(value) JOIN contact c ON c.portfolio = $1 AND c.parent_bsuid = k.value`,
      [portfolio.key, [...wanted.msisdn], [...wanted.bsuid], [...wanted.parentBsuid]],
    );
    const found = new Map<string, ContactView>();
    for (const row of rows) {
      const view = toContactView(row);
      if (row.msisdn) found.set(key('msisdn', row.msisdn), view);
      if (row.bsuid) found.set(key('bsuid', row.bsuid), view);
      if (row.parentBsuid) found.set(key('parentBsuid', row.parentBsuid), view);
    }
    const results = parsed.map((result, index): ResolveResult => {
      const input = inputs[index];
      if (!result.ok) return { input, status: 'invalid', error: `${describeInput(input)} ${result.reason}` };
      const contact = found.get(key(result.identifier.kind, result.identifier.value));
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
    const rows: ContactRead[] = await this.dataSource.query(
      `SELECT ${CONTACT_COLUMNS} FROM contact c WHERE c.portfolio = ANY($1::text[]) AND c.parent_bsuid = $2 ORDER BY c.portfolio`,
      [members.map((member) => member.key), parent.value],
    );
    return { group, parentBsuid: parent.value, contacts: rows.map(toContactView) };
  }
}

function assertParent(identifier: Identifier, raw: string): void {
  if (identifier.kind !== 'parentBsuid') {
    throw AppError.invalidField('parentBsuid', `${describeInput(raw)} is not a parent BSUID (CC.ENT.<id>)`);
  }
}

function key(kind: string, value: string): string {
  return `${kind}\u0000${value}`;
}
