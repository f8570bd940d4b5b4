import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PRUNED_TABLES, SentMessagesRepository } from './sent-messages.repository';
import { AppConfig } from '../config/app-config';
import { HourlyPrune, PRUNE_BATCH } from '../common/lifecycle/hourly-prune';
import { MetricsService } from '../observability/metrics.service';

export interface PruneReport {
  sent_message: number;
  webhook_receipt: number;
}

/**
 * Deletes sent messages and webhook receipts older than RETENTION_DAYS, a minute after start and
 * hourly after that, in batches of their oldest rows. Every replica runs it: a batch skips rows
 * another replica is deleting. A redelivery of a webhook older than the retention applies again,
 * and a DLR of a message sent before it falls back to its platform fields.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RetentionService.name);
  private readonly schedule = new HourlyPrune(
    () => this.pass(),
    (error) => this.logger.error(`pruning rows older than ${this.config.retentionDays} days failed: ${error.message}`),
  );

  constructor(
    private readonly sentMessages: SentMessagesRepository,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule.start();
  }

  /** Stops the timer and lets a batch in progress finish before the database closes. */
  beforeApplicationShutdown(): Promise<void> {
    return this.schedule.stop();
  }

  /** One pass over both tables; a pass already running is joined, not doubled. */
  prune(): Promise<PruneReport> {
    return this.schedule.run();
  }

  private async pass(): Promise<PruneReport> {
    const report: PruneReport = { sent_message: 0, webhook_receipt: 0 };
    for (const table of PRUNED_TABLES) {
      for (;;) {
        if (this.schedule.stopping) return report;
        const gone = await this.sentMessages.pruneBatch(table, this.config.retentionDays, PRUNE_BATCH);
        report[table] += gone;
        this.metrics.pruned.inc({ table }, gone);
        if (gone < PRUNE_BATCH) break;
      }
    }
    if (report.sent_message + report.webhook_receipt > 0) {
      this.logger.log(
        `pruned ${report.sent_message} sent messages and ${report.webhook_receipt} webhook receipts older than ${this.config.retentionDays} days`,
      );
    }
    return report;
  }
}
