import { Body, Controller, Post, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBasicAuth, ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Principal } from '../auth/api-keys.service';
import { CurrentPrincipal, RequireRole } from '../auth/auth.decorators';
import { BulkBody } from '../common/http/bulk-body';
import { DedupeQueryDto } from './dto/dedupe-query.dto';
import { LinkProxyService } from './link-proxy.service';
import { MESSAGE_REQUEST_EXAMPLE, NOTHING_TO_SEND_EXAMPLE, PROXY_EXAMPLE } from './openapi-examples';

@ApiTags('send pipeline')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('link')
export class LinkProxyController {
  constructor(private readonly proxy: LinkProxyService) {}

  @Post('messages')
  @RequireRole('send')
  @BulkBody()
  @ApiOperation({
    summary:
      'LINK-compatible POST /messages: dedupes and enforces, forwards to LINK once, answers as LINK (504: LINK did not answer, the outcome is unknown)',
  })
  @ApiBody({ schema: { example: MESSAGE_REQUEST_EXAMPLE } })
  @ApiOkResponse({ schema: { example: PROXY_EXAMPLE } })
  @ApiBadRequestResponse({
    description:
      'No destination left to send (the `destinations` report says why for each, as a 200 would), or a request that is not a valid MessageRequest',
    schema: { example: NOTHING_TO_SEND_EXAMPLE },
  })
  async send(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Query() query: DedupeQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const answer = await this.proxy.send(principal, body, query);
    reply.status(answer.status);
    return answer.body;
  }
}
