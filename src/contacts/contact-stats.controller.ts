import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PortfolioScope, RequireRole } from '../auth/auth.decorators';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { ContactsSearchService, ContactStats } from './contacts-search.service';
import { GetStatsQueryDto } from './dto/get-stats-query.dto';
import { STATS_EXAMPLE } from './openapi-examples';

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
}
