import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/errors/app-error';
import { addressMatcher } from '../common/net/address-list';
import { AppConfig } from '../config/app-config';

/**
 * WEBHOOK_ALLOWED_CIDRS, when set: webhooks from any other address are refused (403), even with
 * a good key. The client address is Fastify's `request.ip`, which honours
 * TRUST_PROXY for a service behind a load balancer.
 */
@Injectable()
export class WebhookSourceGuard implements CanActivate {
  private readonly allowed: ((address: string | undefined) => boolean) | undefined;

  constructor(config: AppConfig) {
    this.allowed = config.webhookAllowedRanges && addressMatcher(config.webhookAllowedRanges);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.allowed) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (this.allowed(request.ip)) return true;
    throw AppError.noAccess('Webhooks are not accepted from this address');
  }
}
