import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One observation as the graph applied it (rule 5): the log a late observation replays its part of
 * the graph from. Written and read by `graph.repository.ts`.
 */
@Entity('graph_observation')
@Index('graph_observation_msisdn_idx', ['portfolio', 'msisdn', 'orderKey'], { where: 'msisdn IS NOT NULL' })
@Index('graph_observation_bsuid_idx', ['portfolio', 'bsuid', 'orderKey'], { where: 'bsuid IS NOT NULL' })
@Index('graph_observation_parent_bsuid_idx', ['portfolio', 'parentBsuid', 'orderKey'], { where: 'parent_bsuid IS NOT NULL' })
export class GraphObservation {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'graph_observation_pkey' })
  portfolio!: string;

  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS', primaryKeyConstraintName: 'graph_observation_pkey' })
  id!: string;

  /** Event time, then a deterministic tie-break (`orderKey`); compared byte by byte. */
  @Column({ name: 'order_key', type: 'text', collation: 'C' })
  orderKey!: string;

  @Column({ type: 'text', nullable: true })
  msisdn!: string | null;

  @Column({ type: 'text', nullable: true })
  bsuid!: string | null;

  @Column({ name: 'parent_bsuid', type: 'text', nullable: true })
  parentBsuid!: string | null;

  @Column({ name: 'event_at', type: 'timestamptz' })
  eventAt!: Date;

  /** The observation whole (identifiers, strength, activity, evidence), as `Observation` in JSON. */
  @Column({ type: 'jsonb' })
  observation!: Record<string, unknown>;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;
}
