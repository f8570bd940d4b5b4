import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/errors/app-error';
import type { Role } from '../config/api-key';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { PortfoliosService } from '../portfolios/portfolios.service';
import { ApiKeysService, assertReaches, hasRole, Principal } from './api-keys.service';
import { NEW_PORTFOLIO_KEY, PUBLIC_KEY, ROLES_KEY } from './auth.decorators';

export type AuthedRequest = FastifyRequest & { principal?: Principal; portfolio?: Portfolio };

/**
 * Every route needs a key with one of its roles, unless it is marked public; a route without a
 * role is refused rather than left open. A route's `:portfolio` must be one the key reaches.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
    private readonly portfolios: PortfoliosService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const principal = this.keys.authenticate(request.headers.authorization);
    request.principal = principal;
    const roles = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [];
    if (roles.length === 0 || !hasRole(principal, roles)) {
      throw AppError.noAccess(`No access: this needs the ${roles.join(' or ') || 'admin'} role`);
    }
    const key = (request.params as Record<string, string> | undefined)?.portfolio;
    if (key === undefined) return true;
    assertReaches(principal, key);
    const portfolio = await this.portfolios.find(key);
    if (!portfolio && !this.reflector.getAllAndOverride<boolean>(NEW_PORTFOLIO_KEY, targets)) {
      throw AppError.notFound(`No portfolio ${key}`);
    }
    request.portfolio = portfolio;
    return true;
  }
}
