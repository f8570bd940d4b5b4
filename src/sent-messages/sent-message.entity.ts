import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { IdentifierKind } from '../identifiers/domain/identifier';

/** A message the proxy forwarded to LINK, by the messageId LINK gave it: what its DLRs are about. */
@Entity('sent_message')
@Check('sent_message_sent_as_kind_check', `sent_as_kind IN ('msisdn', 'bsuid', 'parentBsuid')`)
@Index('sent_message_sent_at_idx', ['sentAt'])
@Index('sent_message_contact_idx', ['portfolio', 'contactId'], { where: 'contact_id IS NOT NULL' })
@Index('sent_message_sent_as_idx', ['portfolio', 'sentAs'])
@Index('sent_message_wa_message_id_idx', ['waMessageId'], { where: 'wa_message_id IS NOT NULL' })
export class SentMessage {
  @PrimaryColumn({ name: 'message_id', type: 'text', primaryKeyConstraintName: 'sent_message_pkey' })
  messageId!: string;

  @Column({ type: 'text' })
  portfolio!: string;

  /** The request's source, canonical. */
  @Column({ name: 'business_number', type: 'text' })
  businessNumber!: string;

  /** The contact the identifier sent to belonged to when sent; null when the book did not know it. */
  @Column({ name: 'contact_id', type: 'uuid', nullable: true })
  contactId!: string | null;

  @Column({ name: 'sent_as_kind', type: 'text' })
  sentAsKind!: IdentifierKind;

  @Column({ name: 'sent_as', type: 'text' })
  sentAs!: string;

  @Column({ name: 'sent_at', type: 'timestamptz', default: () => 'now()' })
  sentAt!: Date;

  /** The message asks for the user's phone (a REQUEST_CONTACT_INFO template or interactive message). */
  @Column({ name: 'requests_contact_info', type: 'boolean', default: false })
  requestsContactInfo!: boolean;

  /** Meta's id of the message (a DLR's `waMessageId`), which a reply names as its `context.id`; kept for contact requests only. */
  @Column({ name: 'wa_message_id', type: 'text', nullable: true })
  waMessageId!: string | null;
}
