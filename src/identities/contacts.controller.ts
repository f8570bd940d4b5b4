import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PortfolioScope, RequireRole } from '../auth/auth.decorators';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { ContactView } from './contact.view';
import { ContactsService, HistoryPage } from './contacts.service';
import { HistoryQueryDto } from './dto/history-query.dto';

@ApiTags('contacts')
@ApiBearerAuth()
@Controller('v1/portfolios/:portfolio/contacts')
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Get(':identifier')
  @RequireRole('read')
  @ApiOperation({ summary: 'The contact for an MSISDN (any accepted form), BSUID, parent BSUID or contact id' })
  get(@PortfolioScope() portfolio: Portfolio, @Param('identifier') identifier: string): Promise<ContactView> {
    return this.contacts.getByIdentifier(portfolio, identifier);
  }

  @Get(':identifier/history')
  @RequireRole('admin')
  @ApiOperation({ summary: "Every link change of the contact (and of contacts merged into it) with its evidence, newest first" })
  history(@PortfolioScope() portfolio: Portfolio, @Param('identifier') identifier: string, @Query() query: HistoryQueryDto): Promise<HistoryPage> {
    return this.contacts.getHistory(portfolio, identifier, query.limit, query.cursor);
  }
}
