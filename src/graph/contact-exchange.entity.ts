import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The last message each way between a contact and one business number: Meta's 30 days count per number. */
@Entity('contact_exchange')
export class ContactExchange {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'contact_exchange_pkey' })
  portfolio!: string;

  @PrimaryColumn({ name: 'contact_id', type: 'uuid', primaryKeyConstraintName: 'contact_exchange_pkey' })
  contactId!: string;

  @PrimaryColumn({ name: 'business_number', type: 'text', primaryKeyConstraintName: 'contact_exchange_pkey' })
  businessNumber!: string;

  @Column({ name: 'last_inbound_at', type: 'timestamptz', nullable: true })
  lastInboundAt!: Date | null;

  @Column({ name: 'last_outbound_at', type: 'timestamptz', nullable: true })
  lastOutboundAt!: Date | null;
}
