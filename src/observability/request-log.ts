import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { HIGH_VOLUME } from '../common/http/high-volume';
import { isDebugEnabled } from './log-level';
import { MetricsService } from './metrics.service';

/** The route template (`/v1/portfolios/:portfolio/contacts/:identifier`), never the URL: URLs carry identifiers. */
function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? '(no route)';
}

/**
 * One JSON line and one histogram observation per request, once the answer is sent. The line goes
 * to the root logger: the request's own child logger would add its `requestId` a second time.
 * A high-volume route's answered requests are logged at `debug` (their batches are logged instead).
 */
export function recordRequests(fastify: FastifyInstance, metrics: MetricsService): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = routeOf(request);
    const ms = reply.elapsedTime;
    metrics.httpRequests.observe({ method: request.method, route, status: String(reply.statusCode) }, ms / 1000);
    const quiet =
      reply.statusCode < 400 && (request.routeOptions.config as unknown as Record<string, unknown> | undefined)?.[HIGH_VOLUME] === true;
    if (quiet && !isDebugEnabled()) return done();
    PinoLogger.root[quiet ? 'debug' : 'info'](
      {
        context: 'HTTP',
        method: request.method,
        route,
        status: reply.statusCode,
        ms: Math.round(ms * 10) / 10,
        requestId: request.id,
        key: (request as { principal?: { name: string } }).principal?.name,
      },
      'request',
    );
    done();
  });
}
