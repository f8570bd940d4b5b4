import { Global, Module, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { poolOf } from '../database/pool';
import { MetricsService } from './metrics.service';

/** Metrics, for every module to inject. */
@Global()
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class ObservabilityModule implements OnApplicationBootstrap {
  constructor(
    private readonly metrics: MetricsService,
    private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    this.metrics.watchPool(() => {
      const pool = poolOf(this.dataSource);
      return pool && { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
    });
  }
}
