import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Strength } from './domain/observation';

/** One person inside one portfolio. Written by `contacts-write.repository.ts` in set-based batches. */
@Entity('contact')
export class Contact {
  @PrimaryColumn({ type: 'text' })
  portfolio!: string;

  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text', nullable: true })
  msisdn!: string | null;

  @Column({ type: 'text', nullable: true })
  bsuid!: string | null;

  @Column({ name: 'parent_bsuid', type: 'text', nullable: true })
  parentBsuid!: string | null;

  @Column({ name: 'msisdn_at', type: 'timestamptz', nullable: true })
  msisdnAt!: Date | null;

  @Column({ name: 'bsuid_at', type: 'timestamptz', nullable: true })
  bsuidAt!: Date | null;

  @Column({ name: 'parent_bsuid_at', type: 'timestamptz', nullable: true })
  parentBsuidAt!: Date | null;

  @Column({ name: 'msisdn_strength', type: 'text', nullable: true })
  msisdnStrength!: Strength | null;

  @Column({ name: 'bsuid_strength', type: 'text', nullable: true })
  bsuidStrength!: Strength | null;

  @Column({ name: 'parent_bsuid_strength', type: 'text', nullable: true })
  parentBsuidStrength!: Strength | null;

  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId!: string | null;

  @Column({ name: 'first_seen_at', type: 'timestamptz' })
  firstSeenAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;

  @Column({ name: 'last_inbound_at', type: 'timestamptz', nullable: true })
  lastInboundAt!: Date | null;

  @Column({ name: 'last_outbound_at', type: 'timestamptz', nullable: true })
  lastOutboundAt!: Date | null;

  @Column({ name: 'invalid_at', type: 'timestamptz', nullable: true })
  invalidAt!: Date | null;

  /** Set when this contact was merged into another: its id still resolves to the survivor. */
  @Column({ name: 'merged_into', type: 'uuid', nullable: true })
  mergedInto!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
