import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A phone number in the contact book of one business number of a portfolio, as far as this service
 * saw: Meta keeps sending that phone in webhooks (DESIGN: phoneVisibleUntil). Business number
 * `unknown` holds entries made by a number the service could not tell. Written with the webhook
 * batches by `graph.repository.ts`.
 */
@Entity('contact_book_entry')
export class ContactBookEntry {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'contact_book_entry_pkey' })
  portfolio!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'contact_book_entry_pkey' })
  msisdn!: string;

  @PrimaryColumn({ name: 'business_number', type: 'text', primaryKeyConstraintName: 'contact_book_entry_pkey' })
  businessNumber!: string;

  /** The first exchange by phone on or after CONTACT_BOOK_SINCE. */
  @Column({ name: 'entered_at', type: 'timestamptz' })
  enteredAt!: Date;
}
