import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PortfolioScope, RequireRole } from '../auth/auth.decorators';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { ListEventsQueryDto } from './dto/list-events-query.dto';
import { EventPage, EventsService } from './events.service';
import { EVENT_EXAMPLE } from './openapi-examples';

@ApiTags('events')
@ApiBearerAuth()
@Controller('v1/portfolios/:portfolio/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Get()
  @RequireRole('read')
  @ApiOperation({
    summary: 'Identity-change events in order, after a cursor: store nextCursor and ask again to catch up from any point within retention',
  })
  @ApiOkResponse({ schema: { example: { items: [EVENT_EXAMPLE], nextCursor: EVENT_EXAMPLE.cursor } } })
  @ApiBadRequestResponse({ description: '112506: a cursor this service did not write, or a limit out of range; `fields` says which' })
  list(@PortfolioScope() portfolio: Portfolio, @Query() query: ListEventsQueryDto): Promise<EventPage> {
    return this.events.page(portfolio.key, query.after, query.limit);
  }
}
