import { HttpStatus, Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { asAppError } from '../common/errors/database-errors';
import { assertReaches, Principal } from '../auth/api-keys.service';
import { parseBusinessNumber } from '../identifiers/domain/identifier';
import { IngestService } from '../graph/ingest.service';
import { MetricsService, WebhookOutcome } from '../observability/metrics.service';
import { PortfoliosService } from '../portfolios/portfolios.service';
import { SentMessagesRepository, SentMessageView } from '../sent-messages/sent-messages.repository';
import { contactReplyTo } from './domain/contact-request-reply';
import { readDlrEnvelope, readMoEnvelope } from './domain/link-envelope';
import { readDlr, readMo, readParameters, ReadEvent } from './domain/link-event';

export interface WebhookAck {
  /** `applied` the first time, `duplicate` on redelivery, `ignored` when the event names nobody. */
  status: 'applied' | 'duplicate' | 'ignored';
  portfolio: string;
  contactIds: string[];
}

/** A webhook's portfolio, and its observations there, read on demand (they may throw a 400). */
export interface AttributedEvent {
  portfolio: string;
  read: () => ReadEvent;
  /** A DLR of a REQUEST_CONTACT_INFO message the proxy sent gives Meta's id for it, by which a reply names it. */
  contactRequestId?: { messageId: string; waMessageId: string };
}

/** LINK's MO and DLR events in: find the portfolio, read the identifiers, hand over to the graph. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly portfolios: PortfoliosService,
    private readonly ingest: IngestService,
    private readonly metrics: MetricsService,
    private readonly sentMessages: SentMessagesRepository,
  ) {}

  receiveMo(principal: Principal, raw: unknown): Promise<WebhookAck> {
    return this.counted('mo', () => this.mo(principal, raw));
  }

  receiveDlr(principal: Principal, raw: unknown): Promise<WebhookAck> {
    return this.counted('dlr', () => this.dlr(principal, raw));
  }

  private async counted(kind: 'mo' | 'dlr', receive: () => Promise<WebhookAck>): Promise<WebhookAck> {
    let outcome: WebhookOutcome = 'failed';
    try {
      const ack = await receive();
      outcome = ack.status;
      return ack;
    } catch (error) {
      // Classified by the answer the sender gets, whatever was thrown (a database error is a 503 too).
      const answered = asAppError(error);
      const status = answered instanceof AppError ? answered.status : HttpStatus.INTERNAL_SERVER_ERROR;
      outcome =
        status === HttpStatus.SERVICE_UNAVAILABLE ? 'retry_later' : status < HttpStatus.INTERNAL_SERVER_ERROR ? 'rejected' : 'failed';
      throw error;
    } finally {
      this.metrics.webhooks.inc({ kind, outcome });
    }
  }

  private async mo(principal: Principal, raw: unknown): Promise<WebhookAck> {
    const attributed = await this.attributeMo(raw);
    assertPostsFor(principal, attributed.portfolio);
    return this.apply(attributed.portfolio, attributed.read());
  }

  private async dlr(principal: Principal, raw: unknown): Promise<WebhookAck> {
    const attributed = await this.attributeDlr(raw);
    assertPostsFor(principal, attributed.portfolio);
    const event = attributed.read();
    const { contactRequestId } = attributed;
    if (contactRequestId) await this.sentMessages.noteWaMessageId(contactRequestId.messageId, contactRequestId.waMessageId);
    return this.apply(attributed.portfolio, event);
  }

  /**
   * An MO's portfolio, by the business number it was sent to, and how to read it there. The
   * identifiers are read only once the caller knows it may post for that portfolio.
   */
  async attributeMo(raw: unknown): Promise<AttributedEvent> {
    const body = readMoEnvelope(raw);
    const businessNumber = parseBusinessNumber(body.destination, 'destination');
    const portfolio = await this.portfolios.forBusinessNumber(businessNumber);
    const region = this.portfolios.regionFor(portfolio, businessNumber);
    // Only a contacts reply asks the database which message it answers: the hot path stays as it was.
    const repliedTo = contactReplyTo(body);
    const request = repliedTo === undefined ? undefined : await this.sentMessages.findContactRequest(portfolio.key, repliedTo);
    const context = { portfolio: portfolio.key, region, businessNumber, contactRequestSentTo: request?.sentAs };
    return { portfolio: portfolio.key, read: () => readMo(body, context) };
  }

  /**
   * A DLR's portfolio: by its messageId when the proxy sent the message, else by its platform
   * fields (DESIGN: Rules). `findSent` looks the send up (the backfill hands one that reads a
   * batch's sends at once).
   */
  async attributeDlr(
    raw: unknown,
    findSent: (messageId: string) => Promise<SentMessageView | undefined> = (messageId) => this.sentMessages.find(messageId),
  ): Promise<AttributedEvent> {
    const body = readDlrEnvelope(raw);
    const parameters = readParameters(body.customParameters);
    const sent = await findSent(body.messageId);
    const sender = sent && (await this.portfolios.find(sent.portfolio));
    const platformId = parameters.get('platformId');
    const portfolio = sender ?? (await this.portfolios.forPlatform(platformId, parameters.get('platformPartnerId')));
    this.metrics.dlrAttribution.inc({
      by: sender ? 'messageId' : platformId && portfolio.platformId === platformId ? 'platform' : 'default',
    });
    // Only a send tells the business number; else, with one, the portfolio's own is the one that sent.
    const numbers = portfolio.businessNumbers ?? [];
    const businessNumber = sender ? sent.businessNumber : numbers.length === 1 ? numbers[0].number : undefined;
    const region = this.portfolios.regionFor(portfolio, businessNumber);
    const context = { portfolio: portfolio.key, region, businessNumber, sentAs: sender ? sent.sentAs : undefined };
    const waMessageId = parameters.get('waMessageId');
    const learnsId = sender && sent.requestsContactInfo && waMessageId && waMessageId.length <= 256 && sent.waMessageId !== waMessageId;
    return {
      portfolio: portfolio.key,
      read: () => readDlr(body, context, parameters),
      ...(learnsId ? { contactRequestId: { messageId: body.messageId, waMessageId } } : {}),
    };
  }

  private async apply(portfolio: string, event: ReadEvent): Promise<WebhookAck> {
    if (event.observations.length === 0) return { status: 'ignored', portfolio, contactIds: [] };
    const outcome = await this.ingest.ingest({ portfolio, receiptKey: event.receiptKey, observations: event.observations });
    return { status: outcome.status, portfolio, contactIds: outcome.contactIds };
  }
}

/**
 * The portfolio comes from the event, not the path, so the guard cannot check it: done here. Which
 * portfolio owns the event's number or platform is not named: the key does not reach it.
 */
function assertPostsFor(principal: Principal, portfolio: string): void {
  assertReaches(principal, portfolio, 'No access: this key may not post events for the portfolio of this business number or platform');
}
