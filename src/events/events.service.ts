import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { formatCursor, IdentityEventView, parseCursor, START, toEventView } from './domain/event-view';
import { EventsRepository } from './events.repository';

export interface EventPage {
  items: IdentityEventView[];
  /** Where to read on from: the last item's cursor, or the `after` asked when nothing newer is settled yet. */
  nextCursor: string;
}

/** A portfolio's identity-change events for a CRM to read in order. Read keys see identifiers whole, as elsewhere in the API. */
@Injectable()
export class EventsService {
  constructor(private readonly events: EventsRepository) {}

  async page(portfolio: string, after: string | undefined, limit: number): Promise<EventPage> {
    const position = after === undefined ? START : parseCursor(after);
    if (!position) throw AppError.invalidField('after', 'after must be the nextCursor of an earlier read');
    const rows = await this.events.pageAfter(portfolio, position, limit);
    const items = rows.map((row) => toEventView(row, 'full'));
    return { items, nextCursor: items.length > 0 ? items[items.length - 1].cursor : formatCursor(position) };
  }
}
