import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { Evidence, HistoryAction, MergeSnapshot, Strength } from './domain/observation';
import type { IdentifierKind } from '../identifiers/domain/identifier';

@Entity('link_history')
// On (portfolio, contact_id, id DESC): @Index cannot say DESC, so TypeORM leaves this index to the migration.
@Index('link_history_contact_idx', { synchronize: false })
@Index('link_history_other_contact_idx', ['portfolio', 'otherContactId'], { where: 'other_contact_id IS NOT NULL' })
@Index('link_history_past_bsuid_idx', ['portfolio', 'fromValue'], { where: `field = 'bsuid' AND action = 'unlinked'` })
export class LinkHistory {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'link_history_pkey' })
  portfolio!: string;

  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS', primaryKeyConstraintName: 'link_history_pkey' })
  id!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  contactId!: string;

  @Column({ type: 'text' })
  action!: HistoryAction;

  @Column({ type: 'text', nullable: true })
  field!: IdentifierKind | null;

  @Column({ name: 'from_value', type: 'text', nullable: true })
  fromValue!: string | null;

  @Column({ name: 'to_value', type: 'text', nullable: true })
  toValue!: string | null;

  @Column({ name: 'other_contact_id', type: 'uuid', nullable: true })
  otherContactId!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  snapshot!: MergeSnapshot | null;

  @Column({ type: 'text' })
  strength!: Strength;

  @Column({ type: 'jsonb' })
  evidence!: Evidence;

  @Column({ name: 'event_at', type: 'timestamptz' })
  eventAt!: Date;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;
}
