import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One row per webhook applied, so that a redelivery changes nothing and adds no history (rule 6).
 * Written by `graph.repository.ts`, pruned after RETENTION_DAYS by `sent-messages.repository.ts`.
 */
@Entity('webhook_receipt')
@Index('webhook_receipt_received_at_idx', ['receivedAt'])
export class WebhookReceipt {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'webhook_receipt_pkey' })
  portfolio!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'webhook_receipt_pkey' })
  key!: string;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;
}
