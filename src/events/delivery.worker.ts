import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../observability/metrics.service';
import { toEventView } from './domain/event-view';
import { givesUp, retryDelay } from './domain/retry';
import { sign } from './domain/signature';
import { ClaimedDelivery, EventsRepository } from './events.repository';
import { postEvent, SendResult } from './webhook-sender';

/** Events turned into deliveries per subscription and pass; deliveries sent per batch, and per subscription in a batch. */
const FAN_OUT_BATCH = 500;
const SEND_BATCH = 20;
const SEND_PER_SUBSCRIPTION = 5;
/** The backlog gauges count every pending delivery: refreshed at most this often, not every pass. */
const BACKLOG_REFRESH_MS = 15_000;

/**
 * Pushes identity-change events to subscriptions (README: Identity-change events).
 *
 * Data: the outbox (`identity_event`), each subscription's position in it, and one
 * `event_delivery` row per event and subscription. Every pass (EVENTS_POLL_MS) queues deliveries
 * for the events settled since each subscription's position, then claims due deliveries (the
 * oldest pending one of each contact only, so a contact's events arrive in order), sends them
 * signed, and records the outcome. Nothing lives in memory between passes: a restart goes on
 * where the database says.
 *
 * Failure modes: a subscriber answering non-2xx or not within EVENTS_TIMEOUT_MS is retried with
 * exponential backoff and jitter until EVENTS_RETRY_FOR_SECONDS after the event was queued, then
 * marked failed (visible, replayable); later events of the same contact wait behind a retried
 * one. A process that dies mid-send leaves a lease that expires, and the delivery is sent again
 * (at least once; the `webhook-id` lets the CRM drop the repeat). Replicas run passes side by side:
 * subscriptions and deliveries are taken with `FOR UPDATE SKIP LOCKED` and a lease, so no two send
 * the same delivery at once. The database being down fails a pass, which is logged once per
 * outage and tried again next pass. On shutdown the loop stops, sends in flight are aborted (their
 * leases expire, so they are sent again), and nothing touches the database after it closes.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryWorker.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;
  private failing = false;
  private backlogAt = 0;
  private orderChecked = false;
  private readonly aborts = new AbortController();

  constructor(
    private readonly events: EventsRepository,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.events.deliver) this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    this.aborts.abort();
    await this.running?.catch(() => undefined);
  }

  /** One pass; a pass already running is joined. */
  pass(): Promise<void> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      void this.pass()
        .then(
          () => (this.failing = false),
          (error: Error) => {
            if (!this.failing && !this.stopping) this.logger.error(`event delivery pass failed: ${error.message}`);
            this.failing = true;
          },
        )
        .finally(() => this.schedule(this.config.events.pollMs));
    }, delayMs);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    if (this.stopping || !(await this.orderIsSound())) return;
    await this.events.fanOut(FAN_OUT_BATCH);
    for (;;) {
      if (this.stopping) return;
      // Every send ends within timeoutMs (webhook-sender): the lease outlives it, and the settle after it.
      const claimed = await this.events.claim(SEND_BATCH, this.config.events.timeoutMs * 2 + 1_000, SEND_PER_SUBSCRIPTION);
      await Promise.all(claimed.map((delivery) => this.deliver(delivery)));
      if (claimed.length < SEND_BATCH) break;
    }
    if (this.stopping || Date.now() - this.backlogAt < BACKLOG_REFRESH_MS) return;
    this.backlogAt = Date.now();
    const backlog = await this.events.backlog();
    // A deleted subscription's gauges go with it.
    this.metrics.eventBacklog.reset();
    this.metrics.eventLag.reset();
    for (const { portfolio, subscription, pending, oldestSeconds } of backlog) {
      this.metrics.eventBacklog.set({ subscription: `${portfolio}/${subscription}` }, pending);
      this.metrics.eventLag.set({ subscription: `${portfolio}/${subscription}` }, oldestSeconds);
    }
  }

  /**
   * Checked once, at the first pass: stored event orders at or past the next transaction id mean
   * the database was restored logically and ids start again below them (README: Identity-change
   * events). Delivering then would queue new events behind positions they never pass, so the
   * worker stops, and says so; the rest of the service keeps running, as the contact book itself is sound.
   */
  private async orderIsSound(): Promise<boolean> {
    if (this.orderChecked) return true;
    const ahead = await this.events.orderAhead();
    if (ahead) {
      this.logger.error(
        `event delivery refused: stored event order ${ahead.stored} is not below the next transaction id ${ahead.next} ` +
          `(database restored from a dump?); see README, Identity-change events`,
      );
      this.stopping = true;
      return false;
    }
    this.orderChecked = true;
    return true;
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const label = { subscription: `${delivery.portfolio}/${delivery.subscription}` };
    if (!delivery.event) {
      // Pruned before it could be delivered: nothing is left to send.
      await this.events.settle(delivery, { status: 'failed', httpStatus: null, error: 'event no longer kept', nextAttemptAt: null });
      this.metrics.eventDeliveries.inc({ ...label, outcome: 'failed' });
      return;
    }
    const view = toEventView(delivery.event, delivery.identifiers);
    const body = JSON.stringify(view);
    const timestamp = Math.floor(Date.now() / 1000);
    const result: SendResult = await postEvent(
      delivery.url,
      {
        'webhook-id': view.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': sign(delivery.secret, view.id, timestamp, body),
      },
      body,
      { timeoutMs: this.config.events.timeoutMs, allowPrivate: this.config.events.allowPrivate, signal: this.aborts.signal },
    );
    // Aborted by shutdown: the lease runs out and the delivery is sent again by whoever runs next.
    if (this.stopping) return;
    if (result.status !== null && result.status >= 200 && result.status < 300) {
      await this.events.settle(delivery, { status: 'delivered', httpStatus: result.status, error: null, nextAttemptAt: null });
      this.metrics.eventDeliveries.inc({ ...label, outcome: 'delivered' });
      return;
    }
    const now = new Date();
    const error = result.error ?? `answered ${result.status}`;
    if (givesUp(this.config.events.retry, new Date(delivery.createdAt), now)) {
      await this.events.settle(delivery, { status: 'failed', httpStatus: result.status, error, nextAttemptAt: null });
      this.metrics.eventDeliveries.inc({ ...label, outcome: 'failed' });
      this.logger.warn(`delivery of ${view.id} to ${label.subscription} failed for good after ${delivery.attempts} attempts: ${error}`);
      return;
    }
    const next = new Date(now.getTime() + retryDelay(this.config.events.retry, delivery.attempts, Math.random()));
    await this.events.settle(delivery, { status: 'pending', httpStatus: result.status, error, nextAttemptAt: next });
    this.metrics.eventDeliveries.inc({ ...label, outcome: 'retried' });
  }
}
