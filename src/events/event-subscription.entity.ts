import { Check, Column, Entity, PrimaryColumn } from 'typeorm';
import type { IdentifierExposure } from './domain/identity-event';

/** A CRM's URL that receives a portfolio's events, signed with its own secret. */
@Entity('event_subscription')
@Check('event_subscription_identifiers_check', `identifiers IN ('full', 'masked')`)
export class EventSubscription {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'event_subscription_pkey' })
  portfolio!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'event_subscription_pkey' })
  name!: string;

  @Column({ type: 'text' })
  url!: string;

  @Column({ type: 'text', array: true })
  types!: string[];

  @Column({ type: 'text' })
  identifiers!: IdentifierExposure;

  /** `whsec_<base64>`, as the Standard Webhooks signature wants it. */
  @Column({ type: 'text' })
  secret!: string;

  /** The last event (`tx`, `id`) turned into deliveries. */
  @Column({ name: 'position_tx', type: 'bigint' })
  positionTx!: string;

  @Column({ name: 'position_id', type: 'bigint' })
  positionId!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
