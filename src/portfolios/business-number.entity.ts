import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Portfolio } from './portfolio.entity';

@Entity('business_number')
@Index('business_number_portfolio_idx', ['portfolio'])
export class BusinessNumber {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'business_number_pkey' })
  number!: string;

  @Column({ type: 'text' })
  portfolio!: string;

  @ManyToOne('Portfolio', 'businessNumbers', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'portfolio', referencedColumnName: 'key', foreignKeyConstraintName: 'business_number_portfolio_fkey' })
  owner!: Portfolio;
}
