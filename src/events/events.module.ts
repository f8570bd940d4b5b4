import { Module } from '@nestjs/common';
import { DeliveriesService } from './deliveries.service';
import { DeliveryWorker } from './delivery.worker';
import { EventsRetentionService } from './events-retention.service';
import { EventsController } from './events.controller';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';
import { SubscriptionsController } from './subscriptions.controller';
import { SubscriptionsService } from './subscriptions.service';

/**
 * Identity-change events out to CRMs: read in order (`GET …/events`) or pushed to subscriptions
 * (README: Identity-change events).
 *
 * Data: `identity_event`, the outbox, written by the graph itself in the statement that changes it
 * (graph.repository.ts), so an event exists exactly when its change committed; which events a
 * change gives is the pure rule in `domain/identity-event.ts`. `event_subscription` holds a CRM's
 * URL, types, masking, secret and its position in the outbox; `event_delivery` one row per event
 * and subscription until it is delivered or failed.
 *
 * Order: (tx, id), tx being the writing transaction's id (or a newer one its contacts carry in
 * `contact.event_tx`). A row is shown only when its tx is older than every running transaction,
 * so a late commit never lands behind a cursor already answered, and no writer waits for another.
 *
 * Failure modes: a rolled-back change leaves no event; an erasure blanks the person's identifiers
 * in every stored event in its own transaction; a subscriber that fails or times out is retried
 * (delivery.worker.ts), a process that dies mid-send leaves a lease that expires; the database
 * being down fails a pass, tried again the next.
 */
@Module({
  controllers: [EventsController, SubscriptionsController],
  providers: [EventsRepository, EventsService, SubscriptionsService, DeliveriesService, DeliveryWorker, EventsRetentionService],
})
export class EventsModule {}
