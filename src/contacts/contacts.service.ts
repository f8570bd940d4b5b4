import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { mask } from '../common/logging/mask';
import type { ContactRead } from '../graph/contact.entity';
import { parseIdentifier } from '../identifiers/domain/identifier';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { PortfoliosService } from '../portfolios/portfolios.service';
import { ContactActivityView, toBusinessNumberActivityView } from './business-number-activity.view';
import { ContactView, HistoryView, toContactView, toHistoryView } from './contact.view';
import { ContactsRepository } from './contacts.repository';

const CONTACT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface HistoryPage {
  contact: ContactView;
  items: HistoryView[];
  nextCursor: string | null;
}

/** Reads of the contact book: one contact by any of its identifiers, and its history. */
@Injectable()
export class ContactsService {
  constructor(
    private readonly contacts: ContactsRepository,
    private readonly portfolios: PortfoliosService,
  ) {}

  async getByIdentifier(portfolio: Portfolio, raw: string): Promise<ContactView> {
    return toContactView(await this.findOrFail(portfolio, raw));
  }

  /** History of the contact and of every contact merged into it, newest first. */
  async getHistory(portfolio: Portfolio, raw: string, limit: number, cursor?: string): Promise<HistoryPage> {
    const contact = await this.findOrFail(portfolio, raw);
    const rows = await this.contacts.historyPage(portfolio.key, contact.id, cursor, limit);
    const page = rows.slice(0, limit);
    return {
      contact: toContactView(contact),
      items: page.map(toHistoryView),
      nextCursor: rows.length > limit ? String(page[page.length - 1].id) : null,
    };
  }

  /** Care window and phone visibility per business number of the portfolio that exchanged messages with the contact. */
  async getActivity(portfolio: Portfolio, raw: string): Promise<ContactActivityView> {
    const contact = await this.findOrFail(portfolio, raw);
    const rows = await this.contacts.activityByBusinessNumber(portfolio.key, contact.id, contact.msisdn);
    return { contactId: contact.id, businessNumbers: rows.map((row) => toBusinessNumberActivityView(row, contact.msisdn)) };
  }

  /**
   * The contacts that hold the identifiers of each of `ids` now (following merges), by the id
   * asked for. An id whose contact was erased is absent.
   */
  survivors(portfolio: string, ids: string[]): Promise<Map<string, ContactRead>> {
    return this.contacts.survivors(portfolio, ids);
  }

  /** The live contact for an MSISDN, BSUID, parent BSUID or contact id (a merged-away id gives its survivor); 404 if none. */
  async findOrFail(portfolio: Portfolio, raw: string): Promise<ContactRead> {
    const contact = CONTACT_ID.test(raw) ? await this.findById(portfolio.key, raw) : await this.findByIdentifier(portfolio, raw);
    if (!contact) throw AppError.notFound(`No contact for ${CONTACT_ID.test(raw) ? raw : mask(raw)} in portfolio ${portfolio.key}`);
    return contact;
  }

  private findByIdentifier(portfolio: Portfolio, raw: string): Promise<ContactRead | undefined> {
    const identifier = parseIdentifier(raw, this.portfolios.regionFor(portfolio), 'identifier');
    return this.contacts.findByIdentifier(portfolio.key, identifier);
  }

  /** A merged-away id answers with the contact it was merged into. */
  private async findById(portfolio: string, id: string): Promise<ContactRead | undefined> {
    const canonical = id.toLowerCase(); // PostgreSQL answers uuids in lower case
    return (await this.survivors(portfolio, [canonical])).get(canonical);
  }
}
