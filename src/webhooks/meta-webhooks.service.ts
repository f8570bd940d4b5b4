import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../common/errors/app-error';
import { asAppError } from '../common/errors/database-errors';
import { IngestItem, IngestService } from '../graph/ingest.service';
import { UserProfilesService } from '../graph/user-profiles.service';
import { MetricsService, WebhookOutcome } from '../observability/metrics.service';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { PortfoliosService } from '../portfolios/portfolios.service';
import { isSignedBy, MetaChange, readMetaEnvelope } from './domain/meta-envelope';
import { MetaRead, readMetaValue } from './domain/meta-event';

/** What a Meta webhook did: Meta reads only the status code, tests and operators read the counts. */
export interface MetaWebhookAck {
  /** Messages and statuses applied the first time, delivered again, or naming nobody. */
  applied: number;
  duplicate: number;
  ignored: number;
  /** Messages, statuses and preferences that could not be read (an identifier or field at fault): left, the rest applied. */
  invalid: number;
  /** Changes for a phone number no portfolio owns (or whose app secret did not sign them), and of fields not read. */
  unattributed: number;
  otherFields: number;
  contactIds: string[];
}

export interface MetaHandshake {
  mode?: unknown;
  verifyToken?: unknown;
  challenge?: unknown;
}

const READ_FIELDS = new Set(['messages', 'user_preferences']);
const MAX_CHALLENGE = 256;

/** Meta's own webhooks in: the handshake, the signature, then the same ingest as LINK's webhooks. */
@Injectable()
export class MetaWebhooksService {
  private readonly logger = new Logger(MetaWebhooksService.name);

  constructor(
    private readonly portfolios: PortfoliosService,
    private readonly ingest: IngestService,
    private readonly profiles: UserProfilesService,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Meta's subscription check: the challenge back when the token is one a portfolio configured.
   * The token is the credential, checked first (401, as a missing or wrong key), then the rest (400).
   */
  async verify(query: MetaHandshake): Promise<string> {
    const token = typeof query.verifyToken === 'string' && query.verifyToken !== '' ? digest(query.verifyToken) : undefined;
    const portfolios = await this.portfolios.withMeta();
    if (!token || !portfolios.some((portfolio) => timingSafeEqual(digest(portfolio.metaVerifyToken as string), token))) {
      throw AppError.unauthorized('Unauthorized: hub.verify_token is not the verify token of any portfolio');
    }
    if (query.mode !== 'subscribe') throw AppError.invalidField('hub.mode', 'must be "subscribe"');
    const challenge = query.challenge;
    if (typeof challenge !== 'string' || challenge === '' || challenge.length > MAX_CHALLENGE || !/^[\x21-\x7e]+$/.test(challenge)) {
      throw AppError.invalidField('hub.challenge', `must be 1-${MAX_CHALLENGE} printable ASCII characters`);
    }
    return challenge;
  }

  async receive(rawBody: unknown, signature: unknown): Promise<MetaWebhookAck> {
    const body = Buffer.isBuffer(rawBody) ? rawBody : Buffer.alloc(0);
    const signers = await this.signers(body, signature);
    if (signers.size === 0) {
      throw AppError.unauthorized(
        'Unauthorized: X-Hub-Signature-256 is not the signature of this body with the app secret of any portfolio',
      );
    }
    const changes = readMetaEnvelope(parseJson(body));
    const ack: MetaWebhookAck = { applied: 0, duplicate: 0, ignored: 0, invalid: 0, unattributed: 0, otherFields: 0, contactIds: [] };
    // Everything is read before anything is written. A body or envelope at fault is a 400 and leaves the
    // database as it was; an event at fault is left and counted, and the rest applies (else Meta would
    // retry the same bytes forever, and the other events would never apply).
    const reads: { portfolio: string; read: MetaRead }[] = [];
    for (const change of changes) {
      const attributed = await this.attribute(change, signers, ack);
      if (!attributed) continue;
      const { portfolio, businessNumber } = attributed;
      const region = this.portfolios.regionFor(portfolio, businessNumber);
      const read = readMetaValue(change.value, { portfolio: portfolio.key, region, businessNumber }, change.path);
      for (const invalid of read.invalid) {
        this.count('invalid', ack);
        // Field errors name the value masked (describeInput), as every log line does.
        const problems = invalid.errors.map((error) => `${error.field}: ${error.message}`).join('; ');
        this.logger.warn(`Meta webhook event ${invalid.path} of portfolio ${portfolio.key} left, not readable: ${problems}`);
      }
      reads.push({ portfolio: portfolio.key, read });
    }
    await this.apply(reads, ack);
    return ack;
  }

  /** The portfolios whose app secret signed the body (one HMAC per distinct secret). */
  private async signers(body: Buffer, signature: unknown): Promise<Set<string>> {
    const bySecret = new Map<string, string[]>();
    for (const portfolio of await this.portfolios.withMeta()) {
      const secret = portfolio.metaAppSecret as string;
      bySecret.set(secret, [...(bySecret.get(secret) ?? []), portfolio.key]);
    }
    const signers = new Set<string>();
    for (const [secret, keys] of bySecret) if (isSignedBy(body, signature, secret)) keys.forEach((key) => signers.add(key));
    return signers;
  }

  /**
   * The portfolio of a change, by its phone number id (else its display number). A number nobody
   * owns, one whose display number is not the number its id is mapped to, or whose portfolio's
   * secret did not sign the body, is counted and left: a 4xx would have Meta retry it for days.
   */
  private async attribute(
    change: MetaChange,
    signers: Set<string>,
    ack: MetaWebhookAck,
  ): Promise<{ portfolio: Portfolio; businessNumber: string } | undefined> {
    if (!READ_FIELDS.has(change.field)) {
      ack.otherFields++;
      this.metrics.metaValues.inc({ outcome: 'other_field' });
      return undefined;
    }
    const attributed = await this.portfolios.forMetaNumber(change.phoneNumberId, change.displayPhoneNumber);
    if (!attributed || !signers.has(attributed.portfolio.key)) {
      ack.unattributed++;
      this.metrics.metaValues.inc({ outcome: 'unattributed' });
      this.logger.warn(
        `Meta webhook for phone number id ${change.phoneNumberId ?? '(none)'} left: no portfolio owns it with the signing app secret, or its display number is not the number it is mapped to`,
      );
      return undefined;
    }
    this.metrics.metaValues.inc({ outcome: 'read' });
    return attributed;
  }

  /**
   * The webhook's events queued together through the graph's ingest (not one transaction: see
   * `ingestAll`), then what they tell of usernames and marketing choices.
   */
  private async apply(reads: { portfolio: string; read: MetaRead }[], ack: MetaWebhookAck): Promise<void> {
    const items: IngestItem[] = [];
    for (const { portfolio, read } of reads) {
      for (const event of read.events) {
        if (event.observations.length === 0) this.count('ignored', ack);
        else items.push({ portfolio, receiptKey: event.receiptKey, observations: event.observations });
      }
    }
    if (items.length > 0) {
      const settled = await this.ingest.ingestAll(items);
      const failed = settled.find((result) => result.status === 'rejected');
      settled.forEach((result) => {
        if (result.status === 'fulfilled') {
          this.count(result.value.status, ack);
          ack.contactIds.push(...result.value.contactIds);
        }
      });
      if (failed) {
        const error = asAppError(failed.reason);
        this.count(error instanceof AppError && error.status === HttpStatus.SERVICE_UNAVAILABLE ? 'retry_later' : 'failed', ack);
        throw error;
      }
    }
    // After the graph's commit: a failure here is a 503, and Meta's retry finds the events already applied.
    await this.profiles.record(
      reads.flatMap(({ portfolio, read }) => [
        ...read.usernames.map(({ ids, username, eventAt }) => ({ portfolio, ids, at: eventAt, username })),
        ...read.preferences.map(({ ids, optedOut, eventAt }) => ({ portfolio, ids, at: eventAt, marketingOptedOut: optedOut })),
      ]),
      // A BSUID change takes the username and marketing choice of the previous BSUID and parent along.
      reads.flatMap(({ portfolio, read }) =>
        read.events.flatMap((event) =>
          event.observations.flatMap((obs) =>
            obs.change
              ? [
                  {
                    portfolio,
                    from: { bsuid: obs.change.previousBsuid, parentBsuid: obs.change.previousParentBsuid },
                    to: { bsuid: obs.bsuid, parentBsuid: obs.parentBsuid },
                  },
                ]
              : [],
          ),
        ),
      ),
    );
    ack.contactIds = [...new Set(ack.contactIds)];
  }

  private count(outcome: WebhookOutcome, ack: MetaWebhookAck): void {
    this.metrics.webhooks.inc({ kind: 'meta', outcome });
    if (outcome === 'applied' || outcome === 'duplicate' || outcome === 'ignored' || outcome === 'invalid') ack[outcome]++;
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw AppError.invalidJson();
  }
}

/** Tokens of any length compare in constant time as digests. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
