import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HourlyPrune, PRUNE_BATCH } from '../common/lifecycle/hourly-prune';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../observability/metrics.service';
import { EventsRepository } from './events.repository';

/**
 * Deletes identity-change events older than EVENTS_RETENTION_DAYS (and their deliveries), a minute
 * after start and hourly after that, as the sent-messages prune does: batches of the oldest rows,
 * each committed on its own, skipping rows another replica is deleting.
 */
@Injectable()
export class EventsRetentionService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EventsRetentionService.name);
  private readonly schedule = new HourlyPrune(
    () => this.pass(),
    (error) => this.logger.error(`pruning events older than ${this.config.events.retentionDays} days failed: ${error.message}`),
  );

  constructor(
    private readonly events: EventsRepository,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.schedule.stop();
  }

  prune(): Promise<number> {
    return this.schedule.run();
  }

  private async pass(): Promise<number> {
    let total = 0;
    for (;;) {
      if (this.schedule.stopping) break;
      const gone = await this.events.pruneBatch(this.config.events.retentionDays, PRUNE_BATCH);
      total += gone;
      this.metrics.pruned.inc({ table: 'identity_event' }, gone);
      if (gone < PRUNE_BATCH) break;
    }
    if (total > 0) this.logger.log(`pruned ${total} identity-change events older than ${this.config.events.retentionDays} days`);
    return total;
  }
}
