import { Injectable, Logger } from '@nestjs/common';
import { mask } from '../common/logging/mask';
import { isDebugEnabled } from '../observability/log-level';
import { MetricsService } from '../observability/metrics.service';
import type { HistoryAction, HistoryEntry } from './domain/observation';

/**
 * The graph event a history row stands for. An identifier leaving a contact (`unlinked`) is the
 * other half of a relink: the value moved to another contact, or was corrected away.
 */
const EVENT_OF: Record<HistoryAction, string> = {
  created: 'created',
  linked: 'linked',
  unlinked: 'relinked',
  confirmed: 'confirmed',
  merged: 'merged',
  stale: 'stale',
  conflict: 'conflict',
  split: 'split',
  settled: 'settled',
};

/** Events that change who holds what; a confirmation of a known link is counted but not logged. */
const QUIET = new Set(['confirmed']);

/**
 * Counts and logs committed graph changes, with identifiers masked. Called only after the commit,
 * so that a rolled-back batch reports nothing. A correction (a split, a settled conflict) writes a
 * JSON line per event at `info`. A bulk change (a batch of webhooks, an import) writes one line
 * with its counts at `info`, and its events one by one at `debug`: thousands of lines a second
 * would cost the webhook path more than the graph itself.
 */
@Injectable()
export class GraphEventsService {
  private readonly logger = new Logger('Graph');

  constructor(private readonly metrics: MetricsService) {}

  committed(history: readonly HistoryEntry[], bulk = false): void {
    const counts: Record<string, number> = {};
    const eachAt = bulk ? (isDebugEnabled() ? 'debug' : undefined) : 'log';
    for (const entry of history) {
      const event = EVENT_OF[entry.action];
      counts[event] = (counts[event] ?? 0) + 1;
      if (QUIET.has(event) || eachAt === undefined) continue;
      this.logger[eachAt](
        {
          event,
          portfolio: entry.portfolio,
          contactId: entry.contactId,
          otherContactId: entry.otherContactId ?? undefined,
          field: entry.field ?? undefined,
          from: entry.fromValue === null ? undefined : mask(entry.fromValue),
          to: entry.toValue === null ? undefined : mask(entry.toValue),
          strength: entry.strength,
          evidence: entry.evidence.kind,
        },
        `graph ${event}`,
      );
    }
    for (const [event, count] of Object.entries(counts)) this.metrics.graphEvents.inc({ event }, count);
    if (bulk && history.length > 0) this.logger.log({ events: counts }, 'graph batch');
  }

  /** Identity-change events written to the outbox with the change, by type. */
  identityEvents(counts: Readonly<Record<string, number>>): void {
    for (const [type, count] of Object.entries(counts)) this.metrics.identityEvents.inc({ type }, count);
  }

  /** A person erased on request: the contact and the contacts merged into it. */
  erased(portfolio: string, contactIds: readonly string[]): void {
    this.metrics.graphEvents.inc({ event: 'erased' }, contactIds.length);
    for (const contactId of contactIds) this.logger.log({ event: 'erased', portfolio, contactId }, 'graph erased');
  }
}
