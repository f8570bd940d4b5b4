import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole } from '../auth/auth.decorators';
import type { Principal } from '../auth/api-keys.service';
import { DlrWebhookDto } from './dto/dlr-webhook.dto';
import { MoWebhookDto } from './dto/mo-webhook.dto';
import { WebhookAck, WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('webhooks/link')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post('mo')
  @HttpCode(HttpStatus.OK)
  @RequireRole('webhook')
  @ApiOperation({ summary: "LINK's incoming-message event; 503 means retry later" })
  mo(@CurrentPrincipal() principal: Principal, @Body() body: MoWebhookDto): Promise<WebhookAck> {
    return this.webhooks.receiveMo(principal, body);
  }

  @Post('dlr')
  @HttpCode(HttpStatus.OK)
  @RequireRole('webhook')
  @ApiOperation({ summary: "LINK's message status notification; 503 means retry later" })
  dlr(@CurrentPrincipal() principal: Principal, @Body() body: DlrWebhookDto): Promise<WebhookAck> {
    return this.webhooks.receiveDlr(principal, body);
  }
}
