import { Injectable } from '@nestjs/common';
import { getCountryCallingCode, isSupportedCountry } from 'libphonenumber-js';
import { DataSource } from 'typeorm';
import { CONTACT_COLUMNS, ContactRead, IS_INVALID } from '../graph/contact.entity';
import { CARE_WINDOW_HOURS } from '../graph/domain/time-rules';
import { phoneVisibilitySql } from '../graph/phone-visibility.sql';
import { ListContactsQueryDto } from './dto/list-contacts-query.dto';
import type { LearnedDay } from './learned-by-day';

export interface ContactStats {
  contacts: number;
  withPhone: number;
  withBsuid: number;
  bsuidOnly: number;
  withParent: number;
  invalid: number;
  inConflict: number;
  openConflicts: number;
  /** Contacts with a phone in the contact book: it keeps arriving in webhooks with no end. */
  inContactBook: number;
  /** Contacts with a phone that no exchange by phone has logged into the contact book yet ("send one MT"). */
  needsContactBookEntry: number;
  /** Contacts not in the contact book whose phone stops arriving within `atRiskWithinDays`. */
  phoneVisibilityAtRisk: number;
  atRiskWithinDays: number;
}

const CARE_WINDOW_OPEN = `(c.last_inbound_at > now() - interval '${CARE_WINDOW_HOURS} hours')`;
/**
 * The live contacts with an open conflict: a conflict stays on the contact it was about, so one
 * about a contact merged since belongs to the survivor. Conflicts are few; the chains are short.
 */
const CONFLICTED = `conflicted AS (
    WITH RECURSIVE chain(id, merged_into, depth) AS (
      SELECT c.id, c.merged_into, 0 FROM contact c
      WHERE c.portfolio = $1 AND c.id IN (SELECT k.contact_id FROM link_conflict k WHERE k.portfolio = $1 AND k.status = 'open')
      UNION ALL
      SELECT c.id, c.merged_into, chain.depth + 1 FROM chain JOIN contact c ON c.portfolio = $1 AND c.id = chain.merged_into
      WHERE chain.depth < 32)
    SELECT DISTINCT id FROM chain WHERE merged_into IS NULL)`;
const HAS_OPEN_CONFLICT = `(c.id IN (SELECT id FROM conflicted))`;

/** A page probes each contact's phone for a contact-book entry. */
const PAGE_VISIBILITY = phoneVisibilitySql();
/** The stats join the portfolio's entries once: a probe per contact costs more over a whole portfolio. */
const BOOKED = `booked AS (SELECT DISTINCT b.msisdn FROM contact_book_entry b WHERE b.portfolio = $1)`;
const PORTFOLIO_VISIBILITY = phoneVisibilitySql('(bk.msisdn IS NOT NULL)');

/** The SQL of the contact list with its filters, and of the portfolio's counts. */
@Injectable()
export class ContactsSearchRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Live contacts in id order from the query's cursor, filtered; one row more than `limit` tells that a next page exists. */
  page(portfolio: string, query: ListContactsQueryDto): Promise<ContactRead[]> {
    const params: unknown[] = [portfolio];
    const where = ['c.portfolio = $1', 'c.merged_into IS NULL', ...filters(query, params)];
    params.push(query.limit + 1);
    const conflicted = query.inConflict === undefined ? '' : `WITH ${CONFLICTED} `;
    return this.dataSource.query(
      `${conflicted}SELECT ${CONTACT_COLUMNS} FROM contact c WHERE ${where.join(' AND ')} ORDER BY c.id LIMIT $${params.length}`,
      params,
    );
  }

  /**
   * Identifiers linked per UTC day of their event time since `since`, from the history: not indexed
   * by time (the history is indexed by contact), so it reads the portfolio's history once.
   */
  learnedByDay(portfolio: string, since: Date): Promise<LearnedDay[]> {
    return this.dataSource.query(
      `SELECT to_char(event_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
              (count(*) FILTER (WHERE field = 'msisdn'))::int AS msisdn,
              (count(*) FILTER (WHERE field = 'bsuid'))::int AS bsuid,
              (count(*) FILTER (WHERE field = 'parentBsuid'))::int AS "parentBsuid"
       FROM link_history
       WHERE portfolio = $1 AND action = 'linked' AND event_at >= $2
       GROUP BY 1 ORDER BY 1`,
      [portfolio, since],
    );
  }

  async counts(portfolio: string, atRiskWithinDays: number): Promise<Omit<ContactStats, 'atRiskWithinDays'>> {
    const [row]: Record<string, string>[] = await this.dataSource.query(
      `WITH ${CONFLICTED}, ${BOOKED}
       SELECT count(*) AS contacts,
              count(*) FILTER (WHERE c.msisdn IS NOT NULL) AS "withPhone",
              count(*) FILTER (WHERE c.bsuid IS NOT NULL) AS "withBsuid",
              count(*) FILTER (WHERE c.msisdn IS NULL AND c.bsuid IS NOT NULL) AS "bsuidOnly",
              count(*) FILTER (WHERE c.parent_bsuid IS NOT NULL) AS "withParent",
              count(*) FILTER (WHERE ${IS_INVALID}) AS invalid,
              count(*) FILTER (WHERE ${PORTFOLIO_VISIBILITY.inContactBook}) AS "inContactBook",
              count(*) FILTER (WHERE ${PORTFOLIO_VISIBILITY.needsContactBookEntry}) AS "needsContactBookEntry",
              count(*) FILTER (WHERE ${PORTFOLIO_VISIBILITY.visibilityEndsWithin('$2::int')}) AS "phoneVisibilityAtRisk",
              (SELECT count(*) FROM conflicted) AS "inConflict",
              (SELECT count(*) FROM link_conflict k WHERE k.portfolio = $1 AND k.status = 'open') AS "openConflicts"
       FROM contact c LEFT JOIN booked bk ON bk.msisdn = c.msisdn
       WHERE c.portfolio = $1 AND c.merged_into IS NULL`,
      [portfolio, atRiskWithinDays],
    );
    return Object.fromEntries(Object.entries(row).map(([name, count]) => [name, Number(count)])) as Omit<ContactStats, 'atRiskWithinDays'>;
  }
}

/** The WHERE conditions of a list query; values go to `params` as placeholders, never into the SQL text. */
function filters(query: ListContactsQueryDto, params: unknown[]): string[] {
  const param = (value: unknown) => `$${params.push(value)}`;
  const either = (flag: boolean | undefined, condition: string) => (flag === undefined ? [] : [flag ? condition : `NOT ${condition}`]);
  return [
    ...(query.cursor ? [`c.id > ${param(query.cursor)}::uuid`] : []),
    ...either(query.hasPhone, '(c.msisdn IS NOT NULL)'),
    ...either(query.hasBsuid, '(c.bsuid IS NOT NULL)'),
    ...either(query.hasParent, '(c.parent_bsuid IS NOT NULL)'),
    ...either(query.bsuidOnly, '(c.msisdn IS NULL AND c.bsuid IS NOT NULL)'),
    ...(query.status ? [query.status === 'invalid' ? IS_INVALID : `NOT ${IS_INVALID}`] : []),
    ...(query.country ? [countryCondition(query.country, param)] : []),
    ...(query.seenSince ? [`c.last_seen_at >= ${param(query.seenSince)}::timestamptz`] : []),
    ...(query.updatedSince ? [`c.updated_at >= ${param(query.updatedSince)}::timestamptz`] : []),
    ...either(query.careWindowOpen, `coalesce(${CARE_WINDOW_OPEN}, false)`),
    ...(query.phoneVisibilityEndsWithinDays === undefined
      ? []
      : [PAGE_VISIBILITY.visibilityEndsWithin(`${param(query.phoneVisibilityEndsWithinDays)}::int`)]),
    ...either(query.needsContactBookEntry, PAGE_VISIBILITY.needsContactBookEntry),
    ...either(query.inConflict, HAS_OPEN_CONFLICT),
    ...(query.externalId ? [`c.external_id = ${param(query.externalId)}`] : []),
  ];
}

function countryCondition(raw: string, param: (value: unknown) => string): string {
  const country = raw.toUpperCase();
  const bsuidPrefix = param(`${country}.%`);
  const byBsuid = `c.bsuid LIKE ${bsuidPrefix} OR c.parent_bsuid LIKE ${bsuidPrefix}`;
  // A country without a phone numbering plan of its own (Antarctica) matches by BSUID only.
  if (!isSupportedCountry(country)) return `(${byBsuid})`;
  return `(c.msisdn LIKE ${param(`+${getCountryCallingCode(country)}%`)} OR ${byBsuid})`;
}
