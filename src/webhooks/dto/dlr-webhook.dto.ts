import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Documents LINK's message status notification (API document, "Message Status Notifications") for OpenAPI; `readDlrEnvelope` checks it. */
export class DlrWebhookDto {
  @ApiProperty({ example: '9gTQwFGUD26RFjCvP7AScr' })
  messageId!: string;

  @ApiProperty({ example: 112006, description: '112002/112003/112006/112007/112008 sent; 112404 invalid contact; others failed' })
  resultCode!: number;

  @ApiPropertyOptional({ example: 0 })
  messageIndex?: number;

  @ApiPropertyOptional({ example: '2026-03-03T12:34:51Z' })
  timestamp?: string;

  @ApiPropertyOptional({
    nullable: true,
    example: { destination: '+4600000002', whatsappUserId: 'SE.13491208655302741918', platformId: 'TEST_XA', platformPartnerId: '1' },
  })
  customParameters?: Record<string, unknown> | null;
}
