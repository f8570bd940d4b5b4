import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { EventSubscription } from './event-subscription.entity';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One event to push to one subscription: retried until delivered, or failed after the retry period. */
@Entity('event_delivery')
@Check('event_delivery_status_check', `status IN ('pending', 'delivered', 'failed')`)
@Index('event_delivery_due_idx', ['nextAttemptAt'], { where: `status = 'pending'` })
@Index('event_delivery_contact_idx', ['portfolio', 'subscription', 'contactId', 'eventTx', 'eventId'], { where: `status = 'pending'` })
@Index('event_delivery_other_contact_idx', ['portfolio', 'subscription', 'otherContactId', 'eventTx', 'eventId'], {
  where: `status = 'pending' AND other_contact_id IS NOT NULL`,
})
export class EventDelivery {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'event_delivery_pkey' })
  portfolio!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'event_delivery_pkey' })
  subscription!: string;

  @PrimaryColumn({ name: 'event_id', type: 'bigint', primaryKeyConstraintName: 'event_delivery_pkey' })
  eventId!: string;

  @Column({ name: 'event_tx', type: 'bigint' })
  eventTx!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  contactId!: string;

  /** The second contact of a merged, relinked or split event: its deliveries keep their order with this one too. */
  @Column({ name: 'other_contact_id', type: 'uuid', nullable: true })
  otherContactId!: string | null;

  @Column({ type: 'text', default: 'pending' })
  status!: DeliveryStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  /** A worker sending it holds it until then; another takes it over only after. */
  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;

  @Column({ name: 'lease_token', type: 'uuid', nullable: true })
  leaseToken!: string | null;

  @Column({ name: 'last_status', type: 'integer', nullable: true })
  lastStatus!: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @ManyToOne('EventSubscription', { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'portfolio', referencedColumnName: 'portfolio', foreignKeyConstraintName: 'event_delivery_subscription_fkey' },
    { name: 'subscription', referencedColumnName: 'name', foreignKeyConstraintName: 'event_delivery_subscription_fkey' },
  ])
  owner!: EventSubscription;
}
