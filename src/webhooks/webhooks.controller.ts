import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole } from '../auth/auth.decorators';
import { HighVolume } from '../common/http/high-volume';
import type { Principal } from '../auth/api-keys.service';
import { DlrWebhookDto } from './dto/dlr-webhook.dto';
import { MoWebhookDto } from './dto/mo-webhook.dto';
import { WebhookAck, WebhooksService } from './webhooks.service';

const ACK_EXAMPLE = { status: 'applied', portfolio: 'acme', contactIds: ['0b6f2c1e-8d3a-4c57-9f10-2a4e5b6c7d8e'] };

@ApiTags('webhooks')
@ApiBasicAuth()
@ApiBearerAuth()
/** The bodies are read by `domain/link-event.ts` (the global ValidationPipe passes `unknown` through). */
@Controller('webhooks/link')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post('mo')
  @HighVolume()
  @HttpCode(HttpStatus.OK)
  @RequireRole('webhook')
  @ApiOperation({ summary: "LINK's incoming-message event; 503 means retry later" })
  @ApiBody({ type: MoWebhookDto })
  @ApiOkResponse({ description: '`applied`, `duplicate` (a redelivery) or `ignored` (names nobody)', schema: { example: ACK_EXAMPLE } })
  mo(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<WebhookAck> {
    return this.webhooks.receiveMo(principal, body);
  }

  @Post('dlr')
  @HighVolume()
  @HttpCode(HttpStatus.OK)
  @RequireRole('webhook')
  @ApiOperation({ summary: "LINK's message status notification; 503 means retry later" })
  @ApiBody({ type: DlrWebhookDto })
  @ApiOkResponse({ description: '`applied`, `duplicate` (a redelivery) or `ignored` (names nobody)', schema: { example: ACK_EXAMPLE } })
  dlr(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<WebhookAck> {
    return this.webhooks.receiveDlr(principal, body);
  }
}
