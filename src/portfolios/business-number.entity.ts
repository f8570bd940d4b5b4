import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import type { Portfolio } from './portfolio.entity';

@Entity('business_number')
@Index('business_number_portfolio_idx', ['portfolio'])
@Unique('business_number_meta_phone_number_id_key', ['metaPhoneNumberId'])
export class BusinessNumber {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'business_number_pkey' })
  number!: string;

  @Column({ type: 'text' })
  portfolio!: string;

  /** The number's id on Meta's Cloud API (`metadata.phone_number_id` of its webhooks). */
  @Column({ name: 'meta_phone_number_id', type: 'text', nullable: true })
  metaPhoneNumberId!: string | null;

  @ManyToOne('Portfolio', 'businessNumbers', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'portfolio', referencedColumnName: 'key', foreignKeyConstraintName: 'business_number_portfolio_fkey' })
  owner!: Portfolio;
}
