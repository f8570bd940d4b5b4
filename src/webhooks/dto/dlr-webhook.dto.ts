import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

/** LINK's message status notification (API document, "Message Status Notifications"). */
export class DlrWebhookDto {
  @ApiProperty({ example: '9gTQwFGUD26RFjCvP7AScr' })
  @IsString() @IsNotEmpty() @MaxLength(256)
  messageId!: string;

  @ApiProperty({ example: 112006, description: '112002/112003/112006/112007/112008 sent; 112404 invalid contact; others failed' })
  @IsInt()
  resultCode!: number;

  @ApiPropertyOptional({ example: 0 })
  @IsOptional() @IsInt()
  messageIndex?: number;

  @ApiPropertyOptional({ example: '2026-03-03T12:34:51Z' })
  @IsOptional() @IsString() @MaxLength(64)
  timestamp?: string;

  @ApiPropertyOptional({
    nullable: true,
    example: { destination: '+4600000002', whatsappUserId: 'SE.13491208655302741918', platformId: 'TEST_XA', platformPartnerId: '1' },
  })
  @IsOptional() @IsObject()
  customParameters?: Record<string, unknown> | null;
}
