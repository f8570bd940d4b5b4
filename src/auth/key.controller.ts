import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ROLES, Role } from '../config/api-key';
import { PortfoliosService } from '../portfolios/portfolios.service';
import type { Principal } from './api-keys.service';
import { reachOf } from './api-keys.service';
import { CurrentPrincipal, RequireRole } from './auth.decorators';

export interface KeyView {
  name: string;
  roles: readonly Role[];
  /** The keys of the existing portfolios this key reaches, sorted. */
  portfolios: string[];
}

/**
 * What the calling key is and reaches, so that a client (the admin console) offers only what the
 * guards will allow. It grants nothing: every other route still checks the key itself.
 */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('v1/key')
export class KeyController {
  constructor(private readonly portfolios: PortfoliosService) {}

  @Get()
  @RequireRole(...ROLES)
  @ApiOperation({ summary: 'The calling key: its name, roles and the portfolios it reaches' })
  @ApiOkResponse({ schema: { example: { name: 'crm', roles: ['read'], portfolios: ['acme'] } } })
  async get(@CurrentPrincipal() principal: Principal): Promise<KeyView> {
    const reached = await this.portfolios.list(reachOf(principal));
    return { name: principal.name, roles: principal.roles, portfolios: reached.map((portfolio) => portfolio.key) };
  }
}
