import { Controller, Get, Header } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { RequireRole } from '../auth/auth.decorators';
import { NoRateLimit } from '../auth/rate-limit.guard';
import { MetricsService } from '../observability/metrics.service';

const METRICS_EXAMPLE = [
  '# HELP contact_book_webhooks_total LINK webhooks by kind (mo, dlr) and outcome (applied, duplicate, ignored, rejected, retry_later, failed)',
  '# TYPE contact_book_webhooks_total counter',
  'contact_book_webhooks_total{kind="mo",outcome="applied"} 1520',
].join('\n');

@ApiTags('health')
@ApiBearerAuth()
@ApiBasicAuth()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @RequireRole('metrics')
  @NoRateLimit()
  @Header('content-type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Prometheus metrics (role `metrics` or `admin`): requests, webhooks, graph events, dedupe, LINK calls, database pool',
  })
  @ApiOkResponse({
    description: 'Prometheus text format',
    content: { 'text/plain': { schema: { type: 'string', example: METRICS_EXAMPLE } } },
  })
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
