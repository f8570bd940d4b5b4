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
 * Identity-change events out to CRMs: read in order (`GET …/events`) or pushed to subscriptions.
 * The graph writes the outbox itself, in the statement that changes it (graph.repository.ts).
 */
@Module({
  controllers: [EventsController, SubscriptionsController],
  providers: [EventsRepository, EventsService, SubscriptionsService, DeliveriesService, DeliveryWorker, EventsRetentionService],
})
export class EventsModule {}
