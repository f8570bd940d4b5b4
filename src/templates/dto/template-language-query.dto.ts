import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { TEMPLATE_LANGUAGE } from '../domain/template-list';

/** Which language of a template; optional when the name has one language only. */
export class TemplateLanguageQueryDto {
  @ApiPropertyOptional({ example: 'en_US' })
  @IsOptional()
  @IsString()
  @Matches(TEMPLATE_LANGUAGE, { message: 'language must be a language code such as en, en_US or pt_BR' })
  language?: string;
}
