import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets in seconds, from a cached look-up to a slow batch. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** `failed` is a webhook that met a fault of the service (a 5xx other than 503). */
export type WebhookOutcome = 'applied' | 'duplicate' | 'ignored' | 'invalid' | 'rejected' | 'retry_later' | 'failed';

/** What the database pool holds now; read at each scrape. */
export interface PoolUse {
  total: number;
  idle: number;
  waiting: number;
}

/**
 * Every Prometheus instrument of the service, in one registry of its own (not prom-client's
 * global one), so that each application instance, a test's included, counts only itself.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpRequests = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route template and status, with their duration',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly webhooks = new Counter({
    name: 'contact_book_webhooks_total',
    help: 'Webhooks by kind (mo, dlr; meta: each message or status of a Meta webhook) and outcome (applied, duplicate, ignored, invalid: a Meta event that could not be read and was left, rejected, retry_later, failed)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly graphEvents = new Counter({
    name: 'contact_book_graph_events_total',
    help: 'Committed changes of the identity graph: created, linked, merged, relinked, conflict, split, erased, and confirmed, stale, settled',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });

  readonly identityEvents = new Counter({
    name: 'contact_book_identity_events_total',
    help: 'Identity-change events written to the outbox, by type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly eventDeliveries = new Counter({
    name: 'contact_book_event_deliveries_total',
    help: 'Event delivery attempts by subscription (portfolio/name) and outcome (delivered, retried, failed)',
    labelNames: ['subscription', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly eventBacklog = new Gauge({
    name: 'contact_book_event_deliveries_pending',
    help: 'Deliveries waiting to be sent, by subscription (portfolio/name)',
    labelNames: ['subscription'] as const,
    registers: [this.registry],
  });

  readonly eventLag = new Gauge({
    name: 'contact_book_event_delivery_lag_seconds',
    help: 'Age of the oldest pending delivery, by subscription (portfolio/name); 0 when none waits',
    labelNames: ['subscription'] as const,
    registers: [this.registry],
  });

  readonly dedupeDestinations = new Counter({
    name: 'contact_book_dedupe_destinations_total',
    help: 'Destinations planned by dedupe and the proxy, by action and code',
    labelNames: ['action', 'code'] as const,
    registers: [this.registry],
  });

  readonly linkRequests = new Histogram({
    name: 'contact_book_link_request_duration_seconds',
    help: 'Calls to LINK by operation and outcome (HTTP status, timeout or unreachable), with their duration',
    labelNames: ['operation', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'contact_book_rate_limited_total',
    help: 'Requests refused with 429, by limit (api, webhooks)',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  readonly ingestWaiting = new Gauge({
    name: 'contact_book_ingest_queue_items',
    help: 'Webhooks and outbound records waiting for their transaction',
    registers: [this.registry],
  });

  readonly metaValues = new Counter({
    name: 'contact_book_meta_webhook_values_total',
    help: "Values of Meta's webhooks by outcome: read, unattributed (no portfolio owns the number, or its app secret did not sign it), other_field",
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly dlrAttribution = new Counter({
    name: 'contact_book_dlr_attribution_total',
    help: 'DLRs by what found their portfolio: messageId (a send through the proxy), platform (platformId/platformPartnerId) or default',
    labelNames: ['by'] as const,
    registers: [this.registry],
  });

  readonly pruned = new Counter({
    name: 'contact_book_pruned_rows_total',
    help: 'Rows deleted for being older than RETENTION_DAYS, by table (sent_message, webhook_receipt)',
    labelNames: ['table'] as const,
    registers: [this.registry],
  });

  private readonly poolSources: (() => PoolUse | undefined)[] = [];
  private proxyRecordsSource: () => number = () => 0;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const sources = this.poolSources;
    new Gauge({
      name: 'contact_book_db_pool_connections',
      help: 'Database pool connections: total open, idle, and requests waiting for one',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const use = sources.map((source) => source()).find((found) => found !== undefined);
        this.reset();
        if (!use) return;
        this.set({ state: 'total' }, use.total);
        this.set({ state: 'idle' }, use.idle);
        this.set({ state: 'waiting' }, use.waiting);
      },
    });
    const proxyRecords = () => this.proxyRecordsSource();
    new Gauge({
      name: 'contact_book_proxy_records_pending',
      help: 'Sends through the proxy whose records (messageId to portfolio, contact and identifier) are still being written',
      registers: [this.registry],
      collect() {
        this.set(proxyRecords());
      },
    });
  }

  /** The proxy tells how many of its sends are still being recorded; read at each scrape. */
  watchProxyRecords(source: () => number): void {
    this.proxyRecordsSource = source;
  }

  /** The database module tells where its pool is; read at each scrape. */
  watchPool(source: () => PoolUse | undefined): void {
    this.poolSources.push(source);
  }

  /** Times `work` as one call to LINK; `outcome` names how it ended (a status, `timeout`, `unreachable`). */
  async timeLink<T>(
    operation: string,
    work: () => Promise<T>,
    outcome: (result: T) => string,
    failure: (error: unknown) => string,
  ): Promise<T> {
    const stop = this.linkRequests.startTimer({ operation });
    try {
      const result = await work();
      stop({ status: outcome(result) });
      return result;
    } catch (error) {
      stop({ status: failure(error) });
      throw error;
    }
  }
}
