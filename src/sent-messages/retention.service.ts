import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PRUNED_TABLES, SentMessagesRepository } from './sent-messages.repository';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../observability/metrics.service';

/** Rows deleted per statement: each one commits on its own, so no lock is held for long. */
const BATCH = 1_000;
const FIRST_RUN_MS = 60_000;
const INTERVAL_MS = 60 * 60_000;

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
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PruneReport> | undefined;
  private stopping = false;

  constructor(
    private readonly sentMessages: SentMessagesRepository,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(FIRST_RUN_MS);
  }

  /** Stops the timer and lets a batch in progress finish before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass over both tables; a pass already running is joined, not doubled. */
  prune(): Promise<PruneReport> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.prune()
        .catch((error: Error) => this.logger.error(`pruning rows older than ${this.config.retentionDays} days failed: ${error.message}`))
        .finally(() => this.schedule(INTERVAL_MS));
    }, delayMs);
    // The prune never keeps the process alive by itself.
    this.timer.unref();
  }

  private async pass(): Promise<PruneReport> {
    const report: PruneReport = { sent_message: 0, webhook_receipt: 0 };
    for (const table of PRUNED_TABLES) {
      for (;;) {
        if (this.stopping) return report;
        const gone = await this.sentMessages.pruneBatch(table, this.config.retentionDays, BATCH);
        report[table] += gone;
        this.metrics.pruned.inc({ table }, gone);
        if (gone < BATCH) break;
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
