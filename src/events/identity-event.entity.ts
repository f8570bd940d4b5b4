import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { IdentifierKind } from '../identifiers/domain/identifier';
import type { EventEvidence, IdentityEventType } from './domain/identity-event';

/** The outbox: one identity-change event, written by the graph's own statement (graph.repository.ts). */
@Entity('identity_event')
@Index('identity_event_order_idx', ['portfolio', 'tx', 'id'])
@Index('identity_event_recorded_at_idx', ['recordedAt'])
export class IdentityEvent {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'identity_event_pkey' })
  portfolio!: string;

  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS', primaryKeyConstraintName: 'identity_event_pkey' })
  id!: string;

  /** The order of the writing transaction (README: Identity-change events): readers see a row once every older one committed. */
  @Column({ type: 'bigint' })
  tx!: string;

  @Column({ type: 'text' })
  type!: IdentityEventType;

  @Column({ name: 'contact_id', type: 'uuid' })
  contactId!: string;

  @Column({ name: 'other_contact_id', type: 'uuid', nullable: true })
  otherContactId!: string | null;

  @Column({ type: 'text', nullable: true })
  field!: IdentifierKind | null;

  /** The identifier concerned; blanked when its person is erased. */
  @Column({ type: 'text', nullable: true })
  value!: string | null;

  @Column({ type: 'jsonb' })
  evidence!: EventEvidence;

  @Column({ name: 'event_at', type: 'timestamptz' })
  eventAt!: Date;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;
}
