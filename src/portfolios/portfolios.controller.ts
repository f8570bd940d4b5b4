import { Body, Controller, Get, Param, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, MayCreatePortfolio, RequireRole } from '../auth/auth.decorators';
import type { Principal } from '../auth/api-keys.service';
import { reachOf } from '../auth/api-keys.service';
import { PutPortfolioDto } from './dto/put-portfolio.dto';
import { PortfolioView } from './portfolio.view';
import { PortfoliosService } from './portfolios.service';

const PORTFOLIO_EXAMPLE = {
  key: 'acme',
  businessNumbers: ['+46000000000'],
  platformId: 'TEST_XA',
  platformPartnerId: '1',
  group: 'acme-group',
  region: 'SE',
  hasUpstreamCredentials: true,
  sendPolicies: { careWindow: false, skipInvalid: false, skipMarketingOptOut: false, unknownTemplates: 'phone-or-reject' },
  meta: { phoneNumbers: [{ number: '+46000000000', phoneNumberId: '106540352242922' }], hasVerifyToken: true, hasAppSecret: true },
  createdAt: '2026-06-01T09:00:00.000Z',
  updatedAt: '2026-06-01T09:00:00.000Z',
};

@ApiTags('portfolios')
@ApiBearerAuth()
@Controller('v1/portfolios')
export class PortfoliosController {
  constructor(private readonly portfolios: PortfoliosService) {}

  @Get()
  @RequireRole('admin')
  @ApiOperation({ summary: 'The portfolios this key reaches' })
  @ApiOkResponse({ schema: { example: { portfolios: [PORTFOLIO_EXAMPLE] } } })
  async list(@CurrentPrincipal() principal: Principal): Promise<{ portfolios: PortfolioView[] }> {
    return { portfolios: await this.portfolios.list(reachOf(principal)) };
  }

  @Put(':portfolio')
  @RequireRole('admin')
  @MayCreatePortfolio()
  @ApiOperation({ summary: 'Create or replace a portfolio: business numbers, LINK platform, group, region, upstream credentials' })
  @ApiOkResponse({ description: 'Replaced', schema: { example: PORTFOLIO_EXAMPLE } })
  @ApiCreatedResponse({ description: 'Created', schema: { example: PORTFOLIO_EXAMPLE } })
  async put(
    @CurrentPrincipal() principal: Principal,
    @Param('portfolio') key: string,
    @Body() body: PutPortfolioDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PortfolioView> {
    const { created, portfolio } = await this.portfolios.put(reachOf(principal), key, body);
    reply.status(created ? 201 : 200);
    return portfolio;
  }
}
