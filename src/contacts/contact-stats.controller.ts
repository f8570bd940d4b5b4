import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PortfolioScope, RequireRole } from '../auth/auth.decorators';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { ContactsSearchService, ContactStats } from './contacts-search.service';
import { GetStatsQueryDto } from './dto/get-stats-query.dto';
import { GetLearnedQueryDto } from './dto/get-learned-query.dto';
import type { LearnedByDay } from './learned-by-day';
import { LEARNED_EXAMPLE, STATS_EXAMPLE } from './openapi-examples';

@ApiTags('contacts')
@ApiBearerAuth()
@Controller('v1/portfolios/:portfolio/stats')
export class ContactStatsController {
  constructor(private readonly search: ContactsSearchService) {}

  @Get()
  @RequireRole('read')
  @ApiOperation({
    summary:
      "Counts of the portfolio's contacts: with phone, BSUID only, with parent, invalid, in conflict, in the contact book, phone visibility at risk",
    description:
      '`inContactBook` and `needsContactBookEntry` split the contacts with a phone number; `phoneVisibilityAtRisk` counts only contacts ' +
      'not in the contact book, whose phone stops arriving within `atRiskWithinDays`',
  })
  @ApiOkResponse({ schema: { example: STATS_EXAMPLE } })
  stats(@PortfolioScope() portfolio: Portfolio, @Query() query: GetStatsQueryDto): Promise<ContactStats> {
    return this.search.stats(portfolio, query.atRiskWithinDays);
  }

  @Get('learned')
  @RequireRole('read')
  @ApiOperation({
    summary: 'Identifiers linked to contacts per day (UTC, by event time) over the last `days` days, from the history',
    description: 'Every day is listed, days without a link as zeros. Counts only; erased people are not counted.',
  })
  @ApiOkResponse({ schema: { example: LEARNED_EXAMPLE } })
  learned(@PortfolioScope() portfolio: Portfolio, @Query() query: GetLearnedQueryDto): Promise<LearnedByDay> {
    return this.search.learned(portfolio, query.days);
  }
}
