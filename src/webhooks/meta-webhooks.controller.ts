import { Controller, Get, Headers, HttpCode, HttpStatus, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SignedWebhook } from '../auth/auth.decorators';
import { HighVolume } from '../common/http/high-volume';
import { RawBody } from '../common/http/raw-body';
import { MetaWebhookAck, MetaWebhooksService } from './meta-webhooks.service';
import { META_ACK_EXAMPLE, META_WEBHOOK_EXAMPLE } from './meta-openapi-examples';

/**
 * Meta's own webhooks (WhatsApp Cloud API, or a BSP passing them through unchanged). Meta sends no
 * key: the handshake is checked by a portfolio's verify token, each POST by its signature.
 */
@ApiTags('webhooks')
@Controller('webhooks/meta')
export class MetaWebhooksController {
  constructor(private readonly meta: MetaWebhooksService) {}

  @Get()
  @SignedWebhook()
  @ApiOperation({ summary: "Meta's webhook verification handshake: answers `hub.challenge` when `hub.verify_token` is a portfolio's" })
  @ApiQuery({ name: 'hub.mode', required: true, example: 'subscribe' })
  @ApiQuery({ name: 'hub.verify_token', required: true, example: 'a-long-random-token' })
  @ApiQuery({ name: 'hub.challenge', required: true, example: '1158201444' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: '`hub.challenge`, as text', schema: { type: 'string', example: '1158201444' } })
  async verify(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const challenge = await this.meta.verify({
      mode: query['hub.mode'],
      verifyToken: query['hub.verify_token'],
      challenge: query['hub.challenge'],
    });
    // Text only once answered: an error keeps LINK's JSON ErrorResponse.
    void reply.type('text/plain; charset=utf-8');
    return challenge;
  }

  @Post()
  @SignedWebhook()
  @RawBody()
  @HighVolume()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      "Meta's `whatsapp_business_account` webhook: messages, statuses, system messages, user preferences; 401 unsigned, 503 retry later",
  })
  @ApiHeader({
    name: 'X-Hub-Signature-256',
    required: true,
    description: '`sha256=` and the hex HMAC-SHA256 of the raw body with the Meta app secret',
  })
  @ApiBody({ schema: { type: 'object', example: META_WEBHOOK_EXAMPLE } })
  @ApiOkResponse({ description: 'What the webhook did, counted', schema: { example: META_ACK_EXAMPLE } })
  receive(@Req() request: FastifyRequest, @Headers('x-hub-signature-256') signature: unknown): Promise<MetaWebhookAck> {
    return this.meta.receive(request.body, signature);
  }
}
