import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../auth/api-keys.service';
import { CurrentPrincipal, PortfolioScope, RequireRole } from '../auth/auth.decorators';
import { RowIdPipe } from '../common/http/row-id.pipe';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { ConflictsService, ConflictView } from './conflicts.service';
import { ListConflictsQueryDto } from './dto/list-conflicts-query.dto';
import { SettleConflictDto } from './dto/settle-conflict.dto';
import { CONFLICT_EXAMPLE } from './openapi-examples';

@ApiTags('conflicts')
@ApiBearerAuth()
@Controller('v1/portfolios/:portfolio/conflicts')
export class ConflictsController {
  constructor(private readonly conflicts: ConflictsService) {}

  @Get()
  @RequireRole('admin')
  @ApiOperation({ summary: 'Claims that clashed with the graph, newest first, with both contacts and the evidence' })
  @ApiOkResponse({ schema: { example: { items: [CONFLICT_EXAMPLE], nextCursor: null } } })
  list(
    @PortfolioScope() portfolio: Portfolio,
    @Query() query: ListConflictsQueryDto,
  ): Promise<{ items: ConflictView[]; nextCursor: string | null }> {
    return this.conflicts.list(portfolio, query);
  }

  @Get(':id')
  @RequireRole('admin')
  @ApiOperation({ summary: 'One conflict' })
  @ApiOkResponse({ schema: { example: CONFLICT_EXAMPLE } })
  get(@PortfolioScope() portfolio: Portfolio, @Param('id', RowIdPipe) id: string): Promise<ConflictView> {
    return this.conflicts.get(portfolio, id);
  }

  @Post(':id/settle')
  @HttpCode(HttpStatus.OK)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Settle a conflict: keep the existing link, or accept the claim; the settlement is history' })
  @ApiOkResponse({
    schema: { example: { ...CONFLICT_EXAMPLE, status: 'kept', settledAt: '2026-06-06T10:00:00.000Z', settledBy: 'admin' } },
  })
  settle(
    @PortfolioScope() portfolio: Portfolio,
    @CurrentPrincipal() principal: Principal,
    @Param('id', RowIdPipe) id: string,
    @Body() body: SettleConflictDto,
  ): Promise<ConflictView> {
    return this.conflicts.settle(portfolio, principal, id, body.resolution);
  }
}
