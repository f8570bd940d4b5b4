import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Evidence, HistoryAction, MergeSnapshot, Strength } from './domain/observation';
import { IdentifierKind } from '../identifiers/domain/identifier';

@Entity('link_history')
export class LinkHistory {
  @PrimaryColumn({ type: 'text' })
  portfolio!: string;

  @PrimaryColumn({ type: 'bigint' })
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

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;
}
