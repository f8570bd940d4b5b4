import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '../config/api-key';
import type { Portfolio } from '../portfolios/portfolio.entity';
import type { AuthedRequest } from './api-key.guard';

export const ROLES_KEY = 'contact-book:roles';
export const PUBLIC_KEY = 'contact-book:public';
export const NEW_PORTFOLIO_KEY = 'contact-book:new-portfolio';

/** The roles that may call a handler (any of them; `admin` always may). */
export const RequireRole = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** A handler anyone may call (health). Everything else needs a key. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/**
 * A webhook whose sender cannot send a key (Meta): it proves itself by a token or a signature its
 * handler checks. Still a webhook route: the source-address list and the webhook rate limit apply.
 */
export const SignedWebhook = () => applyDecorators(Public(), RequireRole('webhook'));

/** The `:portfolio` of this route may not exist yet (it is being created). */
export const MayCreatePortfolio = () => SetMetadata(NEW_PORTFOLIO_KEY, true);

/** The portfolio of the route's `:portfolio`, found and checked against the key by the guard. */
export const PortfolioScope = createParamDecorator((_: unknown, context: ExecutionContext): Portfolio => {
  return context.switchToHttp().getRequest<AuthedRequest>().portfolio as Portfolio;
});

/** The key that called. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext) => {
  return context.switchToHttp().getRequest<AuthedRequest>().principal;
});
