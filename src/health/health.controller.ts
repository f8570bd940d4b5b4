import { Controller, Get, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators';
import { NoRateLimit } from '../auth/rate-limit.guard';
import { ShutdownStateService } from './shutdown-state.service';

@ApiTags('health')
@NoRateLimit()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
    private readonly shutdown: ShutdownStateService,
  ) {}

  @Get('live')
  @Public()
  @ApiOperation({ summary: 'The process is up' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'The database is reachable and migrated; 503 otherwise' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    try {
      return await this.check();
    } catch (error) {
      // Terminus reports "not ready" as a 503 exception; its body is the report, kept as is.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      reply.status(HttpStatus.SERVICE_UNAVAILABLE);
      return error.getResponse() as HealthCheckResult;
    }
  }

  private check(): Promise<HealthCheckResult> {
    return this.health.check([
      async () => {
        const indicator = this.indicators.check('shutdown');
        return this.shutdown.stopping ? indicator.down({ reason: 'shutting down' }) : indicator.up();
      },
      () => this.database.pingCheck('database', { timeout: 2_000 }),
      async () => {
        const indicator = this.indicators.check('migrations');
        if (!this.dataSource.isInitialized) return indicator.down({ reason: 'no database connection' });
        try {
          return (await this.dataSource.showMigrations()) ? indicator.down({ pending: true }) : indicator.up();
        } catch {
          return indicator.down({ reason: 'migrations could not be read' });
        }
      },
    ]);
  }
}
