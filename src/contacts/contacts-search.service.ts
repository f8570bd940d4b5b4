import { Injectable } from '@nestjs/common';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { ContactView, toContactView } from './contact.view';
import { ContactsSearchRepository, ContactStats } from './contacts-search.repository';
import { ListContactsQueryDto } from './dto/list-contacts-query.dto';
import { fillDays, LearnedByDay, learnedSince } from './learned-by-day';

export type { ContactStats } from './contacts-search.repository';

export interface ContactPage {
  items: ContactView[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/** The contact list with its filters, and the portfolio's counts. */
@Injectable()
export class ContactsSearchService {
  constructor(private readonly search: ContactsSearchRepository) {}

  /**
   * One page of live contacts in id order. Ids never change, so a page boundary stays put while
   * contacts are written: a contact is never listed twice, and one that is live for the whole walk
   * is listed once.
   */
  async list(portfolio: Portfolio, query: ListContactsQueryDto): Promise<ContactPage> {
    const rows = await this.search.page(portfolio.key, query);
    const page = rows.slice(0, query.limit);
    return { items: page.map(toContactView), nextCursor: rows.length > query.limit ? page[page.length - 1].id : null };
  }

  async stats(portfolio: Portfolio, atRiskWithinDays: number): Promise<ContactStats> {
    return { ...(await this.search.counts(portfolio.key, atRiskWithinDays)), atRiskWithinDays };
  }

  /** Identifiers learned per day over the last `days` days (UTC), for the admin console's chart. */
  async learned(portfolio: Portfolio, days: number): Promise<LearnedByDay> {
    const since = learnedSince(new Date(), days);
    return fillDays(since, days, await this.search.learnedByDay(portfolio.key, since));
  }
}
