import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../auth/api-keys.service';
import { PendingWork } from '../common/lifecycle/pending-work';
import { IngestService } from '../graph/ingest.service';
import type { Observation } from '../graph/domain/observation';
import { LinkClient } from '../link/link.client';
import { MetricsService } from '../observability/metrics.service';
import { SentDestination, SentMessagesRepository } from '../sent-messages/sent-messages.repository';
import { DedupeService, PlannedSend } from './dedupe.service';
import { DedupeQueryDto } from './dto/dedupe-query.dto';
import { isJsonObject } from '../common/http/json';
import { TemplatesService } from '../templates/templates.service';
import { asksForContactInfo } from './domain/contact-request';
import { readMessageKinds } from './domain/message-request';

export interface ProxyAnswer {
  status: number;
  body: unknown;
}

/**
 * Sends whose records are still being written, past which a send's answer waits for its own:
 * when the database is slower than the sends, memory stays bounded and the callers slow down.
 */
const MAX_RECORDING = 1_000;

interface MessageResponse {
  resultCode?: unknown;
  description?: unknown;
  messageIds?: unknown;
  [field: string]: unknown;
}

/**
 * LINK's POST /messages, in front of LINK: the request is planned (dedupe and enforcement),
 * forwarded once, and answered as LINK answers, with `messageIds` mirroring the caller's own
 * destinations. It is never sent twice: nothing is retried once the request may have reached LINK.
 * What the send leaves to record (its messageIds, its outbound exchanges) is written after the
 * answer, and shutdown waits for it.
 */
@Injectable()
export class LinkProxyService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(LinkProxyService.name);
  private readonly recording = new PendingWork();

  constructor(
    private readonly dedupe: DedupeService,
    private readonly link: LinkClient,
    private readonly ingest: IngestService,
    private readonly sentMessages: SentMessagesRepository,
    private readonly templates: TemplatesService,
    metrics: MetricsService,
  ) {
    metrics.watchProxyRecords(() => this.recording.size);
  }

  async send(principal: Principal, body: unknown, query: DedupeQueryDto): Promise<ProxyAnswer> {
    const planned = await this.dedupe.plan(principal, body, query);
    const requestsContactInfo = await this.requestsContactInfo(planned);
    const upstream = await this.link.sendMessages(planned.owner, planned.request);
    // LINK's own errors go back as LINK sent them: the caller already knows how to read them.
    if (upstream.status < 200 || upstream.status >= 300) return upstream;

    const response: MessageResponse = isJsonObject(upstream.body)
      ? upstream.body
      : { description: `LINK answered ${upstream.status} without a readable body` };
    const ids: unknown[] = Array.isArray(response.messageIds) ? response.messageIds : [];
    if (ids.length !== planned.plan.destinations.length) {
      this.logger.warn(
        `LINK answered ${ids.length} messageIds for ${planned.plan.destinations.length} destinations in ${planned.owner.key}`,
      );
    }
    // A duplicate gets its kept twin's id, a rejected destination null.
    const messageIds = planned.plan.positions.map((position) => (position === null ? null : (ids[position] ?? null)));
    const now = new Date();
    const recorded = this.recording.track(this.recordSent(planned, ids, now, requestsContactInfo));
    this.recordOutbound(planned, ids, now);
    if (this.recording.size > MAX_RECORDING) await recorded;
    return { status: upstream.status, body: { ...response, messageIds, destinations: planned.destinations } };
  }

  /** Resolves once every send answered so far has been recorded (shutdown: after HTTP has stopped). */
  whenIdle(): Promise<void> {
    return this.recording.whenIdle();
  }

  /**
   * For `app.close()` without the shutdown steps of `main.ts` (the tests): the records and the
   * graph's queue finish before the database closes. HTTP may still be open here, so a send
   * arriving meanwhile is the caller's to avoid.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.whenIdle();
    await this.ingest.whenIdle();
  }

  /**
   * Each destination LINK gave a messageId is kept, so that its DLRs are attributed to this send
   * (DESIGN: Rules). One statement. The answer does not wait for it: LINK has the message already,
   * and a DLR or an erasure this replica handles reads after it (SentMessagesRepository). A failure
   * is logged, never answered: the messages were sent.
   */
  private async recordSent(planned: PlannedSend, ids: unknown[], now: Date, requestsContactInfo: boolean): Promise<void> {
    const destinations = planned.plan.sent.flatMap((sentAs, position): SentDestination[] => {
      const messageId = ids[position];
      return SentMessagesRepository.isMessageId(messageId) ? [{ messageId, sentAs }] : [];
    });
    try {
      await this.sentMessages.record(planned.owner.key, planned.source, now, destinations, requestsContactInfo);
    } catch (error) {
      this.logger.error(
        `${destinations.length} sent messages in ${planned.owner.key} not kept, their DLRs go by platform: ${(error as Error).message}`,
      );
    }
  }

  /**
   * Whether the request asks for the user's phone: an interactive contact request, or a template the
   * registry knows carries a REQUEST_CONTACT_INFO button. A contacts card replying to it is then the
   * sender's own number (DESIGN: rule 8). A registry that cannot be read leaves the card a claim.
   */
  private async requestsContactInfo(planned: PlannedSend): Promise<boolean> {
    if (asksForContactInfo(planned.request.messages)) return true;
    const names = readMessageKinds(planned.request.messages).templates.map((template) => template.name);
    try {
      return await this.templates.requestsContactInfo(planned.owner.key, names);
    } catch (error) {
      this.logger.warn(`templates of ${planned.owner.key} could not be read for a contact request: ${(error as Error).message}`);
      return false;
    }
  }

  /**
   * Each destination sent gets its outbound exchange, as a sent DLR would give it, after the
   * answer: the messages are gone by now, so a failure here is logged, never answered as a failed
   * send (a retry would send them twice). Queued before the answer, not waited for: the graph's
   * group commit stores it.
   */
  private recordOutbound(planned: PlannedSend, ids: unknown[], now: Date): void {
    const observations = planned.plan.sent.map((identifier, position): Observation => ({
      portfolio: planned.owner.key,
      [identifier.kind]: identifier.value,
      eventAt: now,
      strength: 'attested',
      links: false,
      activity: 'outbound',
      byPhone: identifier.kind === 'msisdn',
      evidence: {
        kind: 'SEND',
        messageId: messageIdAt(ids, position),
        businessNumber: planned.source,
      },
    }));
    const firstId = ids.find((id): id is string => typeof id === 'string');
    const receiptKey = `send:${firstId ?? `${String(planned.request.refId)}:${now.toISOString()}`}`;
    this.ingest.ingest({ portfolio: planned.owner.key, receiptKey, observations }).catch((error: Error) => {
      this.logger.error(`outbound of ${observations.length} destinations in ${planned.owner.key} not recorded: ${error.message}`);
    });
  }
}

function messageIdAt(ids: unknown[], position: number): string | undefined {
  const id = ids[position];
  return typeof id === 'string' ? id : undefined;
}
