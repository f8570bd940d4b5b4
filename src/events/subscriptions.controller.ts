import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PortfolioScope, RequireRole } from '../auth/auth.decorators';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { DeliveriesService, DeliveryView } from './deliveries.service';
import { ListDeliveriesQueryDto } from './dto/list-deliveries-query.dto';
import { PutSubscriptionDto } from './dto/put-subscription.dto';
import { DELIVERY_EXAMPLE, SUBSCRIPTION_EXAMPLE } from './openapi-examples';
import { SubscriptionNamePipe } from './subscription-name.pipe';
import { SubscriptionsService, SubscriptionView } from './subscriptions.service';

@ApiTags('events')
@ApiBearerAuth()
@Controller('v1/portfolios/:portfolio/subscriptions')
export class SubscriptionsController {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly deliveries: DeliveriesService,
  ) {}

  @Get()
  @RequireRole('admin')
  @ApiOperation({ summary: "A portfolio's event subscriptions (without their secrets)" })
  @ApiOkResponse({ schema: { example: { items: [SUBSCRIPTION_EXAMPLE] } } })
  async list(@PortfolioScope() portfolio: Portfolio): Promise<{ items: SubscriptionView[] }> {
    return { items: await this.subscriptions.list(portfolio.key) };
  }

  @Put(':name')
  @RequireRole('admin')
  @ApiOperation({
    summary:
      'Create or change a subscription: events pushed to its URL, signed as Standard Webhooks; the secret is answered once, on creation',
  })
  @ApiOkResponse({ description: 'Changed', schema: { example: SUBSCRIPTION_EXAMPLE } })
  @ApiBadRequestResponse({ description: '112506: a bad name, URL (an internal address, plain http), type or masking; `fields` says which' })
  @ApiCreatedResponse({
    description: 'Created',
    schema: { example: { ...SUBSCRIPTION_EXAMPLE, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } },
  })
  async put(
    @PortfolioScope() portfolio: Portfolio,
    @Param('name', SubscriptionNamePipe) name: string,
    @Body() body: PutSubscriptionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SubscriptionView> {
    const { view, created } = await this.subscriptions.put(portfolio.key, name, body);
    reply.status(created ? 201 : 200);
    return view;
  }

  @Get(':name')
  @RequireRole('admin')
  @ApiOperation({ summary: 'One subscription, without its secret' })
  @ApiOkResponse({ schema: { example: SUBSCRIPTION_EXAMPLE } })
  @ApiNotFoundResponse({ description: '112904: no such portfolio or subscription' })
  get(@PortfolioScope() portfolio: Portfolio, @Param('name', SubscriptionNamePipe) name: string): Promise<SubscriptionView> {
    return this.subscriptions.get(portfolio.key, name);
  }

  @Delete(':name')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Delete a subscription and its deliveries' })
  @ApiNoContentResponse({ description: 'Deleted', schema: { example: '' } })
  @ApiNotFoundResponse({ description: '112904: no such portfolio or subscription' })
  delete(@PortfolioScope() portfolio: Portfolio, @Param('name', SubscriptionNamePipe) name: string): Promise<void> {
    return this.subscriptions.delete(portfolio.key, name);
  }

  @Get(':name/deliveries')
  @RequireRole('admin')
  @ApiOperation({ summary: "A subscription's deliveries, newest event first: pending, delivered, or failed after the retry period" })
  @ApiOkResponse({ schema: { example: { items: [DELIVERY_EXAMPLE], nextCursor: null } } })
  @ApiBadRequestResponse({ description: '112506: an unknown status, or a cursor or limit out of range; `fields` says which' })
  @ApiNotFoundResponse({ description: '112904: no such portfolio or subscription' })
  deliveriesOf(
    @PortfolioScope() portfolio: Portfolio,
    @Param('name', SubscriptionNamePipe) name: string,
    @Query() query: ListDeliveriesQueryDto,
  ): Promise<{ items: DeliveryView[]; nextCursor: string | null }> {
    return this.deliveries.list(portfolio.key, name, query);
  }

  @Post(':name/deliveries/:eventId/replay')
  @HttpCode(HttpStatus.OK)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Send a delivery again (a failed one, say), with a fresh retry period' })
  @ApiOkResponse({
    schema: { example: { ...DELIVERY_EXAMPLE, status: 'pending', attempts: 0, lastStatus: null, lastError: null, finishedAt: null } },
  })
  @ApiNotFoundResponse({ description: '112904: no such portfolio, subscription, or delivery of that event to it' })
  @ApiConflictResponse({ description: '112909: the delivery is being sent right now: replay it once that attempt is over' })
  replay(
    @PortfolioScope() portfolio: Portfolio,
    @Param('name', SubscriptionNamePipe) name: string,
    @Param('eventId') eventId: string,
  ): Promise<DeliveryView> {
    return this.deliveries.replay(portfolio.key, name, eventId);
  }
}
