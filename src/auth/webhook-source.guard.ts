import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/errors/app-error';
import { addressMatcher } from '../common/net/address-list';
import type { Role } from '../config/api-key';
import { AppConfig } from '../config/app-config';
import { ROLES_KEY } from './auth.decorators';

/** A webhook route is one that the `webhook` role may call. */
export function isWebhookRoute(reflector: Reflector, context: ExecutionContext): boolean {
  const roles = reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
  return roles?.includes('webhook') ?? false;
}

/**
 * WEBHOOK_ALLOWED_CIDRS, when set: webhooks from any other address are refused (403) before their
 * key is read or counted. The client address is Fastify's `request.ip`, which honours TRUST_PROXY
 * for a service behind a load balancer.
 */
@Injectable()
export class WebhookSourceGuard implements CanActivate {
  private readonly allowed: ((address: string | undefined) => boolean) | undefined;

  constructor(
    config: AppConfig,
    private readonly reflector: Reflector,
  ) {
    this.allowed = config.webhookAllowedRanges && addressMatcher(config.webhookAllowedRanges);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.allowed || !isWebhookRoute(this.reflector, context)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (this.allowed(request.ip)) return true;
    throw AppError.noAccess('Webhooks are not accepted from this address');
  }
}
