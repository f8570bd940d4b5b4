import { Global, Module, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GraphEventsService } from './graph-events.service';
import { MetricsService } from './metrics.service';

interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** Metrics and graph-event reporting, for every module to inject. */
@Global()
@Module({ providers: [MetricsService, GraphEventsService], exports: [MetricsService, GraphEventsService] })
export class ObservabilityModule implements OnApplicationBootstrap {
  constructor(
    private readonly metrics: MetricsService,
    private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    // TypeORM's postgres driver keeps its node-postgres pool as `master`, on PostgreSQL and PGlite alike.
    this.metrics.watchPool(() => {
      const pool = (this.dataSource.driver as unknown as { master?: PgPool }).master;
      return pool && { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
    });
  }
}
