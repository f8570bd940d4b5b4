import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { TEMPLATE_CATEGORIES } from '../domain/template-list';
import type { TemplateCategory } from '../domain/template-list';
import { UpperCase } from './upper-case';

export class ListTemplatesQueryDto {
  @ApiPropertyOptional({ enum: TEMPLATE_CATEGORIES, description: 'In any case' })
  @IsOptional()
  @UpperCase()
  @IsIn(TEMPLATE_CATEGORIES)
  category?: TemplateCategory;
}
