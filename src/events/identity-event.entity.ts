import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { IdentifierKind } from '../identifiers/domain/identifier';
import type { EventEvidence, IdentityEventType } from './domain/identity-event';

/** The outbox: one identity-change event, written by the graph's own statement (graph.repository.ts). */
@Entity('identity_event')
// A BRIN index on recorded_at, for the prune: @Index cannot say BRIN, so TypeORM leaves it to the migration.
@Index('identity_event_recorded_at_idx', { synchronize: false })
export class IdentityEvent {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'identity_event_pkey' })
  portfolio!: string;

  /** The order of the writing transaction (README: Identity-change events): readers see a row once every older one committed. */
  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'identity_event_pkey' })
  tx!: string;

  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS', primaryKeyConstraintName: 'identity_event_pkey' })
  id!: string;

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
