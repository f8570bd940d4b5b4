import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Portfolio } from './portfolio.entity';

@Entity('business_number')
export class BusinessNumber {
  @PrimaryColumn({ type: 'text' })
  number!: string;

  @Column({ type: 'text' })
  portfolio!: string;

  @ManyToOne('Portfolio', 'businessNumbers', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'portfolio', referencedColumnName: 'key' })
  owner!: Portfolio;
}
