import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { PendingWork } from '../common/lifecycle/pending-work';
import type { PipelinedTransaction } from '../database/pipelined-transaction';
import type { Identifier } from '../identifiers/domain/identifier';
import { SentMessage } from './sent-message.entity';

/** One destination LINK accepted: its messageId and the identifier it went to. */
export interface SentDestination {
  messageId: string;
  sentAs: Identifier;
}

/** What a DLR's messageId tells about its send. */
export interface SentMessageView {
  portfolio: string;
  businessNumber: string;
  contactId: string | null;
  sentAs: Identifier;
  sentAt: Date;
  /** It asked for the user's phone (REQUEST_CONTACT_INFO): a contacts reply to it is the sender's own number. */
  requestsContactInfo?: boolean;
  waMessageId?: string | null;
}

/** The tables kept for RETENTION_DAYS, by the column that dates their rows. */
const PRUNED = {
  sent_message: { at: 'sent_at', key: 'message_id' },
  webhook_receipt: { at: 'received_at', key: 'portfolio, key' },
} as const;
export type PrunedTable = keyof typeof PRUNED;
export const PRUNED_TABLES = Object.keys(PRUNED) as PrunedTable[];

/** LINK's messageIds are short ids; anything else in its answer is not kept. */
// eslint-disable-next-line no-control-regex -- a NUL cannot be stored, so it is no messageId
const MESSAGE_ID = /^[^\u0000]{1,256}$/;

/** The contact holding the identifier `m.value` of kind `m.kind` in portfolio $1, if any. */
const HOLDER = `coalesce(
    (SELECT c.id FROM contact c WHERE m.kind = 'msisdn' AND c.portfolio = $1 AND c.msisdn = m.value),
    (SELECT c.id FROM contact c WHERE m.kind = 'bsuid' AND c.portfolio = $1 AND c.bsuid = m.value),
    (SELECT c.id FROM contact c WHERE m.kind = 'parentBsuid' AND c.portfolio = $1 AND c.parent_bsuid = m.value))`;

/**
 * The messages the proxy sent, by LINK's messageId: what DLRs are attributed by (DESIGN: Rules).
 * Also prunes the dated tables.
 *
 * The proxy answers without waiting for its record, so every read that attributes a DLR first
 * waits for the records this process has started writing, and an erasure calls `settled` before
 * its transaction: a DLR or an erasure handled by the same replica right after a send sees it.
 * (Waiting in the answer would not order a DLR against it anyway: LINK has the message, and may
 * report on it, before the record is written.)
 */
@Injectable()
export class SentMessagesRepository {
  private readonly recording = new PendingWork();

  constructor(
    @InjectRepository(SentMessage) private readonly messages: Repository<SentMessage>,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * Resolves once the records this process had started writing have been written. Outside any
   * transaction: a record waits for a pool connection that a transaction waiting here could hold.
   */
  settled(): Promise<void> {
    return this.recording.settled();
  }

  static isMessageId(value: unknown): value is string {
    return typeof value === 'string' && MESSAGE_ID.test(value);
  }

  /**
   * One statement for a whole send, each row with the contact its identifier belongs to now (an
   * identifier the book does not know yet has none: a send creates nobody). A messageId seen
   * before keeps its first row.
   */
  async record(
    portfolio: string,
    businessNumber: string,
    sentAt: Date,
    destinations: SentDestination[],
    requestsContactInfo = false,
  ): Promise<void> {
    if (destinations.length === 0) return;
    const inserted = this.dataSource.query<unknown>(
      `INSERT INTO sent_message (message_id, portfolio, business_number, contact_id, sent_as_kind, sent_as, sent_at, requests_contact_info)
       SELECT m.message_id, $1, $2, ${HOLDER}, m.kind, m.value, $3, $7
       FROM unnest($4::text[], $5::text[], $6::text[]) AS m(message_id, kind, value)
       ON CONFLICT (message_id) DO NOTHING`,
      [
        portfolio,
        businessNumber,
        sentAt,
        destinations.map((sent) => sent.messageId),
        destinations.map((sent) => sent.sentAs.kind),
        destinations.map((sent) => sent.sentAs.value),
        requestsContactInfo,
      ],
    );
    void this.recording.track(inserted);
    await inserted;
  }

  /**
   * A REQUEST_CONTACT_INFO message of this portfolio that a reply's `context.id` names: by Meta's id
   * (learned from its DLRs), or by LINK's messageId.
   */
  async findContactRequest(portfolio: string, repliedTo: string): Promise<SentMessageView | undefined> {
    await this.recording.settled();
    const found = await this.messages.findOne({
      where: [
        { portfolio, waMessageId: repliedTo, requestsContactInfo: true },
        { portfolio, messageId: repliedTo, requestsContactInfo: true },
      ],
    });
    return found ? toView(found) : undefined;
  }

  /** Meta's id of a message that asked for the user's phone, from one of its DLRs: what a reply names it by. */
  async noteWaMessageId(messageId: string, waMessageId: string): Promise<void> {
    await this.recording.settled();
    await this.messages.update({ messageId, requestsContactInfo: true }, { waMessageId });
  }

  async find(messageId: string): Promise<SentMessageView | undefined> {
    await this.recording.settled();
    const found = await this.messages.findOneBy({ messageId });
    return found ? toView(found) : undefined;
  }

  /** The sends of many DLRs at once, by messageId (the backfill reads a batch of DLRs together). */
  async findMany(messageIds: string[]): Promise<Map<string, SentMessageView>> {
    const found = new Map<string, SentMessageView>();
    const wanted = [...new Set(messageIds.filter((id) => SentMessagesRepository.isMessageId(id)))];
    if (wanted.length === 0) return found;
    await this.recording.settled();
    const rows = await this.dataSource.query<
      {
        messageId: string;
        portfolio: string;
        businessNumber: string;
        contactId: string | null;
        kind: string;
        value: string;
        sentAt: Date;
      }[]
    >(
      `SELECT message_id AS "messageId", portfolio, business_number AS "businessNumber", contact_id AS "contactId",
              sent_as_kind AS kind, sent_as AS value, sent_at AS "sentAt"
       FROM sent_message WHERE message_id = ANY($1::text[])`,
      [wanted],
    );
    for (const row of rows) {
      const sentAs = { kind: row.kind, value: row.value } as SentMessageView['sentAs'];
      found.set(row.messageId, {
        portfolio: row.portfolio,
        businessNumber: row.businessNumber,
        contactId: row.contactId,
        sentAs,
        sentAt: row.sentAt,
      });
    }
    return found;
  }

  /** Erasure: the person's sends, found by contact or by an identifier that was theirs (after `settled`). */
  async eraseIn(tx: PipelinedTransaction, portfolio: string, contactIds: string[], identifiers: string[]): Promise<number> {
    const [gone] = await tx.query<{ n: number }>(
      `WITH gone AS (
         DELETE FROM sent_message WHERE portfolio = $1 AND (contact_id = ANY($2::uuid[]) OR sent_as = ANY($3::text[])) RETURNING 1
       ) SELECT count(*)::int AS n FROM gone`,
      [portfolio, contactIds, identifiers],
    );
    return gone.n;
  }

  /**
   * Deletes up to `batch` of the oldest rows of a dated table older than `days`, skipping rows
   * another replica is deleting; answers how many went.
   */
  async pruneBatch(table: PrunedTable, days: number, batch: number): Promise<number> {
    const { at, key } = PRUNED[table];
    const [gone] = await this.dataSource.query<{ n: number }[]>(
      `WITH gone AS (
         DELETE FROM ${table} WHERE (${key}) IN (
           SELECT ${key} FROM ${table} WHERE ${at} < now() - make_interval(days => $1)
           ORDER BY ${at} LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING 1
       ) SELECT count(*)::int AS n FROM gone`,
      [days, batch],
    );
    return gone.n;
  }
}

function toView(found: SentMessage): SentMessageView {
  return {
    portfolio: found.portfolio,
    businessNumber: found.businessNumber,
    contactId: found.contactId,
    sentAs: { kind: found.sentAsKind, value: found.sentAs },
    sentAt: found.sentAt,
    requestsContactInfo: found.requestsContactInfo,
    waMessageId: found.waMessageId,
  };
}
