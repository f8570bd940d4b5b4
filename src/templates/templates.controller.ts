import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PortfolioScope, RequireRole } from '../auth/auth.decorators';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { ListTemplatesQueryDto } from './dto/list-templates-query.dto';
import { PutTemplateDto } from './dto/put-template.dto';
import { TemplateLanguageQueryDto } from './dto/template-language-query.dto';
import { TemplateNamePipe } from './template-name.pipe';
import { TemplateSyncReport, TemplateView } from './template.view';
import { TemplatesSyncService } from './templates-sync.service';
import { TemplatesService } from './templates.service';

const TEMPLATE_EXAMPLE: TemplateView = {
  portfolio: 'acme',
  name: 'login_code',
  language: 'en_US',
  category: 'AUTHENTICATION',
  otpType: 'COPY_CODE',
  status: 'APPROVED',
  source: 'sync',
  createdAt: '2026-06-01T09:00:00.000Z',
  updatedAt: '2026-06-01T09:00:00.000Z',
};

const SYNC_EXAMPLE: TemplateSyncReport = {
  added: [{ name: 'login_code', language: 'en_US' }],
  updated: [],
  unchanged: 3,
  removed: [{ name: 'old_offer', language: 'sv' }],
  skipped: [{ name: 'legacy_otp', language: 'en', reason: 'an authentication template without an OTP button of a known otp_type' }],
  sources: ['+46000000000'],
};

@ApiTags('templates')
@ApiBearerAuth()
@Controller('v1/portfolios/:portfolio/templates')
export class TemplatesController {
  constructor(
    private readonly templates: TemplatesService,
    private readonly templatesSync: TemplatesSyncService,
  ) {}

  @Get()
  @RequireRole('admin')
  @ApiOperation({ summary: 'The templates of a portfolio, by name and language' })
  @ApiOkResponse({ schema: { example: { templates: [TEMPLATE_EXAMPLE] } } })
  async list(@PortfolioScope() portfolio: Portfolio, @Query() query: ListTemplatesQueryDto): Promise<{ templates: TemplateView[] }> {
    return { templates: await this.templates.list(portfolio, query.category) };
  }

  @Post('sync')
  @HttpCode(HttpStatus.OK)
  @RequireRole('admin')
  @ApiOperation({
    summary: "Pull LINK's List Templates for every business number; synced templates no longer listed are removed, admin-entered ones stay",
  })
  @ApiOkResponse({ schema: { example: SYNC_EXAMPLE } })
  sync(@PortfolioScope() portfolio: Portfolio): Promise<TemplateSyncReport> {
    return this.templatesSync.sync(portfolio);
  }

  @Get(':name')
  @RequireRole('admin')
  @ApiOperation({ summary: 'One template; `language` may be left out when the name has one language only' })
  @ApiOkResponse({ schema: { example: TEMPLATE_EXAMPLE } })
  get(
    @PortfolioScope() portfolio: Portfolio,
    @Param('name', TemplateNamePipe) name: string,
    @Query() query: TemplateLanguageQueryDto,
  ): Promise<TemplateView> {
    return this.templates.get(portfolio, name, query.language);
  }

  @Put(':name')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Create or replace a template: its category, and for an authentication template its OTP kind' })
  @ApiOkResponse({ description: 'Replaced', schema: { example: { ...TEMPLATE_EXAMPLE, source: 'admin' } } })
  @ApiCreatedResponse({ description: 'Created', schema: { example: { ...TEMPLATE_EXAMPLE, source: 'admin', status: null } } })
  async put(
    @PortfolioScope() portfolio: Portfolio,
    @Param('name', TemplateNamePipe) name: string,
    @Body() body: PutTemplateDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TemplateView> {
    const { created, template } = await this.templates.put(portfolio, name, body);
    reply.status(created ? 201 : 200);
    return template;
  }

  @Delete(':name')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Remove a template (a synced one comes back at the next sync while LINK lists it)' })
  @ApiOkResponse({ schema: { example: TEMPLATE_EXAMPLE } })
  remove(
    @PortfolioScope() portfolio: Portfolio,
    @Param('name', TemplateNamePipe) name: string,
    @Query() query: TemplateLanguageQueryDto,
  ): Promise<TemplateView> {
    return this.templates.remove(portfolio, name, query.language);
  }
}
