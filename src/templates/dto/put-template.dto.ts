import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Matches, ValidateBy, ValidationArguments } from 'class-validator';
import { OTP_TYPES, TEMPLATE_CATEGORIES, TEMPLATE_LANGUAGE } from '../domain/template-list';
import type { OtpType, TemplateCategory } from '../domain/template-list';
import { UpperCase } from './upper-case';

/** A template entered by an admin, replaced whole by `PUT …/templates/{name}`. */
export class PutTemplateDto {
  @ApiProperty({ example: 'en_US', description: 'WhatsApp language code: `en`, `en_US`, `pt_BR`' })
  @IsString()
  @Matches(TEMPLATE_LANGUAGE, { message: 'language must be a language code such as en, en_US or pt_BR' })
  language!: string;

  @ApiProperty({ enum: TEMPLATE_CATEGORIES, example: 'AUTHENTICATION', description: 'In any case (`utility` reads as `UTILITY`)' })
  @UpperCase()
  @IsIn(TEMPLATE_CATEGORIES)
  category!: TemplateCategory;

  @ApiPropertyOptional({
    enum: OTP_TYPES,
    example: 'COPY_CODE',
    description: 'Required for AUTHENTICATION templates, absent otherwise; in any case',
  })
  @UpperCase()
  @OtpTypeFitsCategory()
  otpType?: OtpType | null;
}

/** An OTP kind is required for an authentication template and meaningless for any other. */
function OtpTypeFitsCategory() {
  const isAuthentication = (args: ValidationArguments) => (args.object as PutTemplateDto).category === 'AUTHENTICATION';
  return ValidateBy({
    name: 'otpTypeFitsCategory',
    validator: {
      validate: (value: unknown, args) =>
        isAuthentication(args as ValidationArguments)
          ? (OTP_TYPES as readonly unknown[]).includes(value)
          : value === undefined || value === null,
      defaultMessage: (args) =>
        isAuthentication(args as ValidationArguments)
          ? `otpType must be one of ${OTP_TYPES.join(', ')} for an AUTHENTICATION template`
          : 'otpType is only for AUTHENTICATION templates',
    },
  });
}
