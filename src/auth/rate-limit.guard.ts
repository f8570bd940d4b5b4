import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, SkipThrottle, ThrottlerGuard } from '@nestjs/throttler';
import type { ThrottlerLimitDetail, ThrottlerModuleOptions, ThrottlerStorage } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { AppError } from '../common/errors/app-error';
import type { RateLimits } from '../config/app-config';
import { MetricsService } from '../observability/metrics.service';
import type { AuthedRequest } from './api-key.guard';
import { FixedWindowStorage } from './fixed-window.storage';
import { isWebhookRoute } from './webhook-source.guard';

export const API_LIMIT = 'api';
export const WEBHOOK_LIMIT = 'webhooks';

/** For routes no limit applies to: health and metrics, which monitors poll. */
export const NoRateLimit = () => SkipThrottle({ [API_LIMIT]: true, [WEBHOOK_LIMIT]: true });

/**
 * The throttler's two limits: one for the API, one (higher) for webhooks, each counted per key
 * across all routes, in fixed windows (`FixedWindowStorage`). A limit of 0 is no limit.
 */
export function rateLimitOptions(limits: RateLimits, reflector: Reflector): ThrottlerModuleOptions {
  return {
    throttlers: [
      {
        name: API_LIMIT,
        ttl: limits.windowMs,
        limit: limits.api,
        skipIf: (context) => limits.api === 0 || isWebhookRoute(reflector, context),
      },
      {
        name: WEBHOOK_LIMIT,
        ttl: limits.windowMs,
        limit: limits.webhooks,
        skipIf: (context) => limits.webhooks === 0 || !isWebhookRoute(reflector, context),
      },
    ],
    storage: new FixedWindowStorage(),
    // One budget per key and limit, whatever the route (the throttler's default is one per route).
    generateKey: (_context, tracker, name) => `${name}:${tracker}`,
    // Only `Retry-After`, set below; the per-limit X-RateLimit headers would name our limits' internals.
    setHeaders: false,
  };
}

/**
 * Runs after ApiKeyGuard, so a request is counted against the key that made it (by name). Public
 * routes (health) are outside every limit, so every request counted has a key.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly metrics: MetricsService,
  ) {
    super(options, storage, reflector);
  }

  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const authed = request as unknown as AuthedRequest;
    // A signed webhook (Meta's) comes with no key: counted by the address it came from.
    return authed.principal ? `key:${authed.principal.name}` : `ip:${authed.ip}`;
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const limit = detail.key.startsWith(`${WEBHOOK_LIMIT}:`) ? WEBHOOK_LIMIT : API_LIMIT;
    this.metrics.rateLimited.inc({ limit });
    const retryAfter = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    void context.switchToHttp().getResponse<FastifyReply>().header('retry-after', String(retryAfter));
    throw AppError.tooManyRequests(`Too many requests for this key; retry after ${retryAfter} s`);
  }
}
