import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole } from '../auth/auth.decorators';
import type { Principal } from '../auth/api-keys.service';
import { DlrWebhookDto } from './dto/dlr-webhook.dto';
import { MoWebhookDto } from './dto/mo-webhook.dto';
import { WebhookAck, WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiBasicAuth()
@ApiBearerAuth()
/** The bodies are read by `domain/link-event.ts` (the global ValidationPipe passes `unknown` through). */
@Controller('webhooks/link')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post('mo')
  @HttpCode(HttpStatus.OK)
  @RequireRole('webhook')
  @ApiOperation({ summary: "LINK's incoming-message event; 503 means retry later" })
  @ApiBody({ type: MoWebhookDto })
  mo(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<WebhookAck> {
    return this.webhooks.receiveMo(principal, body);
  }

  @Post('dlr')
  @HttpCode(HttpStatus.OK)
  @RequireRole('webhook')
  @ApiOperation({ summary: "LINK's message status notification; 503 means retry later" })
  @ApiBody({ type: DlrWebhookDto })
  dlr(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<WebhookAck> {
    return this.webhooks.receiveDlr(principal, body);
  }
}
