import { Check, Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { IdentifierKind } from '../identifiers/domain/identifier';
import type { Evidence, Strength } from './domain/observation';
import type { ConflictStatus } from './link-conflicts.repository';

/**
 * A clash between a claim and the graph (rule 8), open until an admin settles it or a replay withdraws it.
 * Opened and withdrawn by `graph.repository.ts`, listed and settled by `link-conflicts.repository.ts`.
 */
@Entity('link_conflict')
@Check('link_conflict_status_check', `status IN ('open', 'kept', 'accepted', 'withdrawn')`)
@Index('link_conflict_contact_idx', ['portfolio', 'contactId'])
@Index('link_conflict_status_idx', ['portfolio', 'status', 'id'])
export class LinkConflict {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'link_conflict_pkey' })
  portfolio!: string;

  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS', primaryKeyConstraintName: 'link_conflict_pkey' })
  id!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  contactId!: string;

  @Column({ type: 'text' })
  field!: IdentifierKind;

  @Column({ name: 'existing_value', type: 'text', nullable: true })
  existingValue!: string | null;

  @Column({ name: 'claimed_value', type: 'text' })
  claimedValue!: string;

  @Column({ name: 'other_contact_id', type: 'uuid', nullable: true })
  otherContactId!: string | null;

  @Column({ type: 'text' })
  strength!: Strength;

  @Column({ type: 'jsonb' })
  evidence!: Evidence;

  @Column({ name: 'event_at', type: 'timestamptz' })
  eventAt!: Date;

  @Column({ type: 'text', default: 'open' })
  status!: ConflictStatus;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'settled_at', type: 'timestamptz', nullable: true })
  settledAt!: Date | null;

  /** The admin who settled it; null while open, and for a conflict a replay withdrew. */
  @Column({ name: 'settled_by', type: 'text', nullable: true })
  settledBy!: string | null;
}
