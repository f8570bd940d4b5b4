import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { EventPosition, StoredEvent } from './domain/event-view';
import type { IdentifierExposure } from './domain/identity-event';
import type { DeliveryStatus } from './event-delivery.entity';

/**
 * Rows older than every transaction still running (README: Identity-change events). A transaction
 * writes its events with its own id (or a newer one, never older), so a row that commits later
 * always sorts after every row already visible here: a reader going forward by (tx, id) skips none.
 */
export const SETTLED = `tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint`;

const EVENT_COLUMNS = `portfolio, id::text, tx::text, type, contact_id AS "contactId", other_contact_id AS "otherContactId", field, value,
  evidence, event_at AS "eventAt", recorded_at AS "recordedAt"`;

/** A delivery claimed for sending, with its subscription and its event (undefined once pruned). */
export interface ClaimedDelivery {
  portfolio: string;
  subscription: string;
  eventId: string;
  attempts: number;
  createdAt: Date;
  leaseToken: string;
  url: string;
  secret: string;
  identifiers: IdentifierExposure;
  event: StoredEvent | null;
}

export interface DeliveryRow {
  eventId: string;
  eventTx: string;
  contactId: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

const DELIVERY_COLUMNS = `event_id::text AS "eventId", event_tx::text AS "eventTx", contact_id AS "contactId", status, attempts,
  next_attempt_at AS "nextAttemptAt", last_status AS "lastStatus", last_error AS "lastError", created_at AS "createdAt",
  finished_at AS "finishedAt"`;

/** The outbox's SQL: reading it in order, turning it into deliveries, claiming and settling them. */
@Injectable()
export class EventsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A portfolio's settled events after `after`, in order. */
  async pageAfter(portfolio: string, after: EventPosition, limit: number): Promise<StoredEvent[]> {
    const rows = await this.dataSource.query<StoredEvent[]>(
      `SELECT ${EVENT_COLUMNS} FROM identity_event
       WHERE portfolio = $1 AND (tx, id) > ($2::bigint, $3::bigint) AND ${SETTLED}
       ORDER BY tx, id LIMIT $4`,
      [portfolio, after.tx, after.id, limit],
    );
    return rows.map(withDates);
  }

  /**
   * Queues a delivery for each settled event a subscription wants, up to `limit` events per
   * subscription, and moves its position past them. A subscription another worker is queuing is skipped.
   */
  async fanOut(limit: number): Promise<number> {
    const [row] = await this.dataSource.query<{ queued: string }[]>(
      `WITH sub AS (
         -- Only subscriptions with a settled event past their position: a quiet pass locks nothing.
         SELECT portfolio, name, types, position_tx, position_id FROM event_subscription s
         WHERE EXISTS (SELECT 1 FROM identity_event e
                       WHERE e.portfolio = s.portfolio AND (e.tx, e.id) > (s.position_tx, s.position_id) AND ${SETTLED})
         ORDER BY portfolio, name FOR UPDATE SKIP LOCKED
       ), scanned AS (
         SELECT s.portfolio, s.name, s.types, e.id, e.tx, e.type, e.contact_id, e.other_contact_id
         FROM sub s CROSS JOIN LATERAL (
           SELECT id, tx, type, contact_id, other_contact_id FROM identity_event
           WHERE portfolio = s.portfolio AND (tx, id) > (s.position_tx, s.position_id) AND ${SETTLED}
           ORDER BY tx, id LIMIT $1) e
       ), queued AS (
         INSERT INTO event_delivery (portfolio, subscription, event_id, event_tx, contact_id, other_contact_id)
         SELECT portfolio, name, id, tx, contact_id, other_contact_id FROM scanned WHERE type = ANY(types)
         ON CONFLICT DO NOTHING
         RETURNING 1
       ), moved AS (
         UPDATE event_subscription s SET position_tx = last.tx, position_id = last.id
         FROM (SELECT DISTINCT ON (portfolio, name) portfolio, name, tx, id FROM scanned ORDER BY portfolio, name, tx DESC, id DESC) last
         WHERE s.portfolio = last.portfolio AND s.name = last.name
       )
       SELECT count(*) AS queued FROM queued`,
      [limit],
    );
    return Number(row.queued);
  }

  /**
   * Takes up to `limit` due deliveries for `leaseMs`: each the oldest pending one of its contact
   * and subscription (in order per contact), none taken by another worker (locked or leased). An
   * event naming two contacts (merged, relinked, split) keeps its place in the order of both: it
   * waits for every earlier pending delivery of either, and their later ones wait for it.
   */
  async claim(limit: number, leaseMs: number, perSubscription = limit): Promise<ClaimedDelivery[]> {
    const token = randomUUID();
    const rows = await this.dataSource.query<
      (ClaimedDelivery & { event: (StoredEvent & { eventAt: string; recordedAt: string }) | null })[]
    >(
      `WITH candidate AS (
         SELECT d.portfolio, d.subscription, d.event_id, d.next_attempt_at, d.event_tx,
                row_number() OVER (PARTITION BY d.portfolio, d.subscription ORDER BY d.next_attempt_at, d.event_tx, d.event_id) AS rank
         FROM event_delivery d
         WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now())
           AND NOT EXISTS (SELECT 1 FROM event_delivery p
                           WHERE p.portfolio = d.portfolio AND p.subscription = d.subscription
                             AND p.contact_id = ANY(ARRAY[d.contact_id, d.other_contact_id])
                             AND p.status = 'pending' AND (p.event_tx, p.event_id) < (d.event_tx, d.event_id))
           AND NOT EXISTS (SELECT 1 FROM event_delivery p
                           WHERE p.portfolio = d.portfolio AND p.subscription = d.subscription
                             AND p.other_contact_id = ANY(ARRAY[d.contact_id, d.other_contact_id])
                             AND p.status = 'pending' AND p.other_contact_id IS NOT NULL
                             AND (p.event_tx, p.event_id) < (d.event_tx, d.event_id))
       ), due AS (
         -- At most $4 per subscription: an endpoint that is down cannot fill the batch and starve the others.
         SELECT d.portfolio, d.subscription, d.event_id FROM event_delivery d
         WHERE (d.portfolio, d.subscription, d.event_id) IN (
                 SELECT portfolio, subscription, event_id FROM candidate WHERE rank <= $4
                 ORDER BY next_attempt_at, event_tx, event_id LIMIT $1)
           AND d.status = 'pending' AND (d.lease_until IS NULL OR d.lease_until < now())
         ORDER BY d.next_attempt_at, d.event_tx, d.event_id
         FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE event_delivery d SET lease_until = now() + $2 * interval '1 millisecond', lease_token = $3, attempts = d.attempts + 1
         FROM due WHERE d.portfolio = due.portfolio AND d.subscription = due.subscription AND d.event_id = due.event_id
         RETURNING d.portfolio, d.subscription, d.event_id, d.event_tx, d.attempts, d.created_at
       )
       SELECT c.portfolio, c.subscription, c.event_id::text AS "eventId", c.attempts, c.created_at AS "createdAt",
              $3 AS "leaseToken", s.url, s.secret, s.identifiers,
              (SELECT to_jsonb(e) FROM (SELECT ${EVENT_COLUMNS} FROM identity_event
                                        WHERE portfolio = c.portfolio AND tx = c.event_tx AND id = c.event_id) e) AS event
       FROM claimed c JOIN event_subscription s ON s.portfolio = c.portfolio AND s.name = c.subscription`,
      [limit, leaseMs, token, perSubscription],
    );
    return rows.map((row) => ({ ...row, event: row.event ? withDates(row.event) : null }));
  }

  /** Records an attempt's outcome, unless the lease was lost meanwhile (another worker took over). */
  async settle(
    delivery: ClaimedDelivery,
    outcome: { status: DeliveryStatus; httpStatus: number | null; error: string | null; nextAttemptAt: Date | null },
  ): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      // A bare UPDATE answers TypeORM's [rows, count]: the SELECT answers rows.
      `WITH settled AS (
         UPDATE event_delivery SET status = $5, last_status = $6, last_error = $7, next_attempt_at = coalesce($8, next_attempt_at),
                finished_at = CASE WHEN $5 = 'pending' THEN NULL ELSE now() END, lease_until = NULL, lease_token = NULL
         WHERE portfolio = $1 AND subscription = $2 AND event_id = $3 AND lease_token = $4
         RETURNING portfolio, subscription, event_tx, event_id, contact_id, other_contact_id
       ), followers AS (
         -- A retried delivery's later ones wait for it anyway: not due before it, so claims do not walk them.
         UPDATE event_delivery d SET next_attempt_at = $8
         FROM settled h
         WHERE $5 = 'pending' AND $8::timestamptz IS NOT NULL
           AND d.portfolio = h.portfolio AND d.subscription = h.subscription AND d.status = 'pending'
           AND (d.contact_id = ANY(ARRAY[h.contact_id, h.other_contact_id]) OR d.other_contact_id = ANY(ARRAY[h.contact_id, h.other_contact_id]))
           AND (d.event_tx, d.event_id) > (h.event_tx, h.event_id) AND d.next_attempt_at < $8
       )
       SELECT 1 FROM settled`,
      [
        delivery.portfolio,
        delivery.subscription,
        delivery.eventId,
        delivery.leaseToken,
        outcome.status,
        outcome.httpStatus,
        outcome.error,
        outcome.nextAttemptAt,
      ],
    );
    return rows.length > 0;
  }

  /**
   * The newest event order stored (in the outbox or on a contact) when it is not below the next
   * transaction id, else null. After a logical restore (pg_dump into a new cluster, the embedded
   * database moved to a server) transaction ids start again low: new events would sort below
   * every cursor and position already handed out, and readers would never see them.
   */
  async orderAhead(): Promise<{ stored: string; next: string } | null> {
    const [row] = await this.dataSource.query<{ stored: string | null; next: string }[]>(
      `SELECT greatest((SELECT max(tx) FROM identity_event), (SELECT max(event_tx) FROM contact))::text AS stored,
              pg_snapshot_xmax(pg_current_snapshot())::text AS next`,
    );
    return row.stored !== null && BigInt(row.stored) >= BigInt(row.next) ? { stored: row.stored, next: row.next } : null;
  }

  /** Pending deliveries per subscription, and how long the oldest event not yet delivered has waited: what the gauges show. */
  async backlog(): Promise<{ portfolio: string; subscription: string; pending: number; oldestSeconds: number }[]> {
    const rows = await this.dataSource.query<{ portfolio: string; subscription: string; pending: string; oldestSeconds: string }[]>(
      // The lag counts from the oldest pending delivery or the oldest event not queued yet (past the
      // position), so a fan-out that stalls shows too.
      `SELECT s.portfolio, s.name AS subscription, count(d.event_id) AS pending,
              coalesce(extract(epoch FROM now() - least(min(d.created_at), min(next.recorded_at))), 0) AS "oldestSeconds"
       FROM event_subscription s
       LEFT JOIN LATERAL (SELECT recorded_at FROM identity_event
                          WHERE portfolio = s.portfolio AND (tx, id) > (s.position_tx, s.position_id) AND ${SETTLED}
                          ORDER BY tx, id LIMIT 1) next ON true
       LEFT JOIN event_delivery d ON d.portfolio = s.portfolio AND d.subscription = s.name AND d.status = 'pending'
       GROUP BY s.portfolio, s.name`,
    );
    return rows.map((row) => ({ ...row, pending: Number(row.pending), oldestSeconds: Number(row.oldestSeconds) }));
  }

  async deliveries(
    portfolio: string,
    subscription: string,
    status: DeliveryStatus | undefined,
    before: string | undefined,
    limit: number,
  ): Promise<DeliveryRow[]> {
    return this.dataSource.query<DeliveryRow[]>(
      `SELECT ${DELIVERY_COLUMNS} FROM event_delivery
       WHERE portfolio = $1 AND subscription = $2 AND ($3::text IS NULL OR status = $3) AND ($4::bigint IS NULL OR event_id < $4)
       ORDER BY event_id DESC LIMIT $5`,
      [portfolio, subscription, status ?? null, before ?? null, limit],
    );
  }

  /**
   * Sends a delivery again from now on, with a fresh retry period; 'leased' while a worker is
   * sending it (its lease stays: clearing it would let a second worker send it at the same time).
   */
  async replay(portfolio: string, subscription: string, eventId: string): Promise<DeliveryRow | 'leased' | undefined> {
    const [row] = await this.dataSource.query<(DeliveryRow & { leased: boolean })[]>(
      `WITH target AS (
         SELECT portfolio, subscription, event_id, lease_until IS NOT NULL AND lease_until >= now() AS leased FROM event_delivery
         WHERE portfolio = $1 AND subscription = $2 AND event_id = $3
         FOR UPDATE
       ), replayed AS (
         UPDATE event_delivery d SET status = 'pending', attempts = 0, next_attempt_at = now(), created_at = now(), finished_at = NULL,
                lease_until = NULL, lease_token = NULL, last_status = NULL, last_error = NULL
         FROM target WHERE NOT target.leased
           AND d.portfolio = target.portfolio AND d.subscription = target.subscription AND d.event_id = target.event_id
         RETURNING d.*
       )
       SELECT t.leased, r.* FROM target t LEFT JOIN (SELECT ${DELIVERY_COLUMNS} FROM replayed) r ON true`,
      [portfolio, subscription, eventId],
    );
    if (!row) return undefined;
    if (row.leased) return 'leased';
    const { leased: _, ...delivery } = row;
    return delivery;
  }

  /** Deletes up to `batch` events recorded before the retention, and deliveries of events no longer kept. */
  async pruneBatch(retentionDays: number, batch: number): Promise<number> {
    const [row] = await this.dataSource.query<{ gone: string }[]>(
      `WITH gone AS (
         DELETE FROM identity_event WHERE (portfolio, tx, id) IN (
           SELECT portfolio, tx, id FROM identity_event WHERE recorded_at < now() - $1 * interval '1 day'
           LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING portfolio, id
       ), deliveries AS (
         -- Each subscription names the whole key: an index probe per delivery, not a scan.
         DELETE FROM event_delivery d USING gone JOIN event_subscription s ON s.portfolio = gone.portfolio
         WHERE d.portfolio = gone.portfolio AND d.subscription = s.name AND d.event_id = gone.id
       )
       SELECT count(*) AS gone FROM gone`,
      [retentionDays, batch],
    );
    return Number(row.gone);
  }
}

function withDates<T extends { eventAt: Date | string; recordedAt: Date | string }>(row: T): T & { eventAt: Date; recordedAt: Date } {
  return { ...row, eventAt: new Date(row.eventAt), recordedAt: new Date(row.recordedAt) };
}
