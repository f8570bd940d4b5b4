import { Body, Controller, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBasicAuth, ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../auth/api-keys.service';
import { CurrentPrincipal, RequireRole } from '../auth/auth.decorators';
import { BulkBody } from '../common/http/bulk-body';
import { DedupeResult, DedupeService } from './dedupe.service';
import { DedupeQueryDto } from './dto/dedupe-query.dto';
import { DEDUPE_EXAMPLE, MESSAGE_REQUEST_EXAMPLE, NOTHING_TO_SEND_EXAMPLE } from './openapi-examples';

@ApiTags('send pipeline')
@ApiBearerAuth()
@ApiBasicAuth()
@Controller('v1/messages')
export class DedupeController {
  constructor(private readonly dedupe: DedupeService) {}

  /** The body is read by `domain/message-request.ts`: message bodies pass through untouched. */
  @Post('dedupe')
  @HttpCode(HttpStatus.OK)
  @RequireRole('send')
  @BulkBody()
  @ApiOperation({
    summary:
      'Plan a LINK MessageRequest: each person once, through an identifier that can carry the message; the portfolio comes from `source`',
  })
  @ApiBody({ schema: { example: MESSAGE_REQUEST_EXAMPLE } })
  @ApiOkResponse({ schema: { example: DEDUPE_EXAMPLE } })
  @ApiBadRequestResponse({
    description:
      'No destination left to send (the `destinations` report says why for each, as a 200 would), or a request that is not a valid MessageRequest',
    schema: { example: NOTHING_TO_SEND_EXAMPLE },
  })
  plan(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Query() query: DedupeQueryDto): Promise<DedupeResult> {
    return this.dedupe.dedupe(principal, body, query);
  }
}
