import { Injectable, Logger } from '@nestjs/common';
import { mask } from '../common/logging/mask';
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
 * Counts and logs committed graph changes: one JSON line per event, with identifiers masked.
 * Called only after the commit, so that a rolled-back batch reports nothing.
 */
@Injectable()
export class GraphEventsService {
  private readonly logger = new Logger('Graph');

  constructor(private readonly metrics: MetricsService) {}

  committed(history: readonly HistoryEntry[]): void {
    for (const entry of history) {
      const event = EVENT_OF[entry.action];
      this.metrics.graphEvents.inc({ event });
      if (QUIET.has(event)) continue;
      this.logger.log(
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
  }

  /** A person erased on request: the contact and the contacts merged into it. */
  erased(portfolio: string, contactIds: readonly string[]): void {
    this.metrics.graphEvents.inc({ event: 'erased' }, contactIds.length);
    for (const contactId of contactIds) this.logger.log({ event: 'erased', portfolio, contactId }, 'graph erased');
  }
}
