import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO31661Alpha2,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { UNKNOWN_TEMPLATES_POLICIES } from '../portfolio.entity';
import type { UnknownTemplatesPolicy } from '../portfolio.entity';

export class UpstreamCredentialsDto {
  @ApiPropertyOptional({ example: 'link-user' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  username!: string;

  @ApiPropertyOptional({ example: 'link-password', writeOnly: true })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password!: string;
}

/** What the send pipeline does when a request does not say. */
export class SendPoliciesDto {
  @ApiPropertyOptional({ default: false, description: 'Reject non-template messages to people outside the 24-hour care window' })
  @IsOptional()
  @IsBoolean()
  careWindow?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Skip people LINK reported invalid' })
  @IsOptional()
  @IsBoolean()
  skipInvalid?: boolean;

  @ApiPropertyOptional({
    default: false,
    description: 'Skip people who stopped marketing messages (Meta user_preferences) when a message is a MARKETING template',
  })
  @IsOptional()
  @IsBoolean()
  skipMarketingOptOut?: boolean;

  @ApiPropertyOptional({
    enum: UNKNOWN_TEMPLATES_POLICIES,
    default: 'phone-or-reject',
    description:
      'A template the registry does not know, even after a refresh from LINK, may be an authentication template: `phone-or-reject` sends it to the phone number instead of a BSUID, or rejects it (TEMPLATE_UNKNOWN); `send` sends it as addressed',
  })
  @IsOptional()
  @IsIn(UNKNOWN_TEMPLATES_POLICIES)
  unknownTemplates?: UnknownTemplatesPolicy;
}

/** One business number's id on Meta's Cloud API. */
export class MetaPhoneNumberDto {
  @ApiProperty({ example: '+46000000000', description: 'One of `businessNumbers`' })
  @IsString()
  @MaxLength(32)
  number!: string;

  @ApiProperty({ example: '106540352242922', description: "Meta's `phone_number_id` of the number, as in `metadata` of its webhooks" })
  @IsString()
  @Matches(/^[0-9]{1,32}$/, { message: 'phoneNumberId must be 1-32 digits' })
  phoneNumberId!: string;
}

/** How Meta's own webhooks (WhatsApp Cloud API) reach this portfolio: `GET`/`POST /webhooks/meta`. */
export class MetaSettingsDto {
  @ApiProperty({ example: 'a-long-random-token', description: "The token Meta's webhook handshake sends as `hub.verify_token`" })
  @IsString()
  @MinLength(8)
  @MaxLength(256)
  verifyToken!: string;

  @ApiProperty({
    example: 'app-secret-from-the-meta-app-dashboard',
    writeOnly: true,
    description: 'The Meta app secret the POSTs are signed with; never returned',
  })
  @IsString()
  @MinLength(8)
  @MaxLength(256)
  appSecret!: string;

  @ApiProperty({ type: [MetaPhoneNumberDto], description: 'Meta phone number ids of the business numbers' })
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => MetaPhoneNumberDto)
  phoneNumbers!: MetaPhoneNumberDto[];
}

/** A portfolio's settings, replaced whole by `PUT /v1/portfolios/{portfolio}`. */
export class PutPortfolioDto {
  @ApiPropertyOptional({ type: [String], example: ['+46000000000'], description: "LINK's source/destination numbers of this portfolio" })
  @ValidateIf((_, value) => value !== undefined)
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  businessNumbers: string[] = [];

  @ApiPropertyOptional({ example: 'TEST_XA', description: "LINK's platformId, as it appears in DLR customParameters" })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  platformId?: string;

  @ApiPropertyOptional({ example: '1', description: "LINK's platformPartnerId" })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  platformPartnerId?: string;

  @ApiPropertyOptional({ example: 'acme-group', description: 'Portfolios of one group share parent BSUIDs' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'group must be 1-64 letters, digits, "_", "." or "-"' })
  group?: string;

  @ApiPropertyOptional({ example: 'SE', description: 'Region for phone numbers written in local form' })
  @IsOptional()
  @IsISO31661Alpha2()
  @Matches(/^[A-Z]{2}$/, { message: 'region must be two upper-case letters' })
  region?: string;

  @ApiPropertyOptional({ type: SendPoliciesDto, description: "The send pipeline's policies for this portfolio's requests" })
  @IsOptional()
  @ValidateNested()
  @Type(() => SendPoliciesDto)
  sendPolicies?: SendPoliciesDto;

  @ApiPropertyOptional({ type: UpstreamCredentialsDto, description: "This portfolio's own LINK credentials" })
  @IsOptional()
  @ValidateNested()
  @Type(() => UpstreamCredentialsDto)
  upstream?: UpstreamCredentialsDto;

  @ApiPropertyOptional({ type: MetaSettingsDto, description: "Meta's own webhooks (WhatsApp Cloud API) for this portfolio's numbers" })
  @IsOptional()
  @ValidateNested()
  @Type(() => MetaSettingsDto)
  meta?: MetaSettingsDto;
}
