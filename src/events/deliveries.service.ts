import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import type { DeliveryStatus } from './event-delivery.entity';
import { DeliveryRow, EventsRepository } from './events.repository';
import { SubscriptionsService } from './subscriptions.service';

export interface DeliveryView {
  /** The event's id, as its `webhook-id`. */
  eventId: string;
  contactId: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  queuedAt: string;
  finishedAt: string | null;
}

/** What was sent to a subscription, what failed, and sending one again. */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly events: EventsRepository,
    private readonly subscriptions: SubscriptionsService,
  ) {}

  async list(
    portfolio: string,
    name: string,
    query: { status?: DeliveryStatus; cursor?: string; limit: number },
  ): Promise<{ items: DeliveryView[]; nextCursor: string | null }> {
    await this.subscriptions.get(portfolio, name);
    const rows = await this.events.deliveries(portfolio, name, query.status, query.cursor, query.limit);
    return {
      items: rows.map(toDeliveryView),
      nextCursor: rows.length === query.limit ? rows[rows.length - 1].eventId : null,
    };
  }

  async replay(portfolio: string, name: string, eventId: string): Promise<DeliveryView> {
    const id = /^evt_(\d{1,18})$/.exec(eventId)?.[1];
    const row = id === undefined ? undefined : await this.events.replay(portfolio, name, id);
    if (!row) throw AppError.notFound(`No delivery of ${eventId.slice(0, 40)} to subscription ${name} in portfolio ${portfolio}`);
    if (row === 'leased')
      throw AppError.conflict(`${eventId} is being sent to subscription ${name} right now; replay it once that attempt is over`);
    return toDeliveryView(row);
  }
}

function toDeliveryView(row: DeliveryRow): DeliveryView {
  return {
    eventId: `evt_${row.eventId}`,
    contactId: row.contactId,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? new Date(row.nextAttemptAt).toISOString() : null,
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    queuedAt: new Date(row.createdAt).toISOString(),
    finishedAt: row.finishedAt ? new Date(row.finishedAt).toISOString() : null,
  };
}
