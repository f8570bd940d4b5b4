import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * LINK's incoming-message event (API document, "Incoming Messages Sent from Mobile Phones").
 * Identifiers are read by the domain, not here, so that each bad one is named with its reason.
 */
export class MoWebhookDto {
  @ApiProperty({ example: '+46000000000', description: 'The business number the user wrote to' })
  @IsString() @IsNotEmpty() @MaxLength(32)
  destination!: string;

  @ApiProperty({ example: 'SE.13491208655302741918', description: 'The user: an MSISDN or a BSUID' })
  @IsOptional()
  source?: unknown;

  @ApiProperty({ example: '8aU6cwxAKE9NzMLrS6M82Y' })
  @IsString() @IsNotEmpty() @MaxLength(256)
  messageId!: string;

  @ApiPropertyOptional({ example: '2020-03-21T17:41:58Z' })
  @IsOptional() @IsString() @MaxLength(64)
  timestamp?: string;

  @ApiPropertyOptional({ description: 'The message; a CONTACTS message may carry the user\'s own number' })
  @IsOptional() @IsObject()
  content?: Record<string, unknown>;

  @ApiPropertyOptional({
    nullable: true,
    example: { whatsappUserId: 'SE.13491208655302741918', whatsappParentUserId: 'SE.ENT.11815799212886844830' },
  })
  @IsOptional() @IsObject()
  customParameters?: Record<string, unknown> | null;
}
