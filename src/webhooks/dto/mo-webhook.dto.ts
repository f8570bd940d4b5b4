import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * LINK's incoming-message event (API document, "Incoming Messages Sent from Mobile Phones"), for
 * OpenAPI. `readMoEnvelope` and `readMo` check it, naming each bad identifier with its reason.
 */
export class MoWebhookDto {
  @ApiProperty({ example: '+46000000000', description: 'The business number the user wrote to' })
  destination!: string;

  @ApiProperty({ example: 'SE.13491208655302741918', description: 'The user: an MSISDN or a BSUID' })
  source?: unknown;

  @ApiProperty({ example: '8aU6cwxAKE9NzMLrS6M82Y' })
  messageId!: string;

  @ApiPropertyOptional({ example: '2020-03-21T17:41:58Z' })
  timestamp?: string;

  @ApiPropertyOptional({ description: "The message; a CONTACTS message may carry the user's own number" })
  content?: Record<string, unknown>;

  @ApiPropertyOptional({
    nullable: true,
    example: { whatsappUserId: 'SE.13491208655302741918', whatsappParentUserId: 'SE.ENT.11815799212886844830' },
  })
  customParameters?: Record<string, unknown> | null;
}
