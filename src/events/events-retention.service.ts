import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../observability/metrics.service';
import { EventsRepository } from './events.repository';

const BATCH = 1_000;
const FIRST_RUN_MS = 60_000;
const INTERVAL_MS = 60 * 60_000;

/**
 * Deletes identity-change events older than EVENTS_RETENTION_DAYS (and their deliveries), a minute
 * after start and hourly after that, as the sent-messages prune does: batches of the oldest rows,
 * each committed on its own, skipping rows another replica is deleting.
 */
@Injectable()
export class EventsRetentionService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EventsRetentionService.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopping = false;

  constructor(
    private readonly events: EventsRepository,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(FIRST_RUN_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  prune(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.prune()
        .catch((error: Error) =>
          this.logger.error(`pruning events older than ${this.config.events.retentionDays} days failed: ${error.message}`),
        )
        .finally(() => this.schedule(INTERVAL_MS));
    }, delayMs);
    this.timer.unref();
  }

  private async pass(): Promise<number> {
    let total = 0;
    for (;;) {
      if (this.stopping) break;
      const gone = await this.events.pruneBatch(this.config.events.retentionDays, BATCH);
      total += gone;
      this.metrics.pruned.inc({ table: 'identity_event' }, gone);
      if (gone < BATCH) break;
    }
    if (total > 0) this.logger.log(`pruned ${total} identity-change events older than ${this.config.events.retentionDays} days`);
    return total;
  }
}
