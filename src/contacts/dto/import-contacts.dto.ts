import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsObject } from 'class-validator';

export const MAX_IMPORT_ROWS = 10_000;

/** One known link from a CRM. Checked row by row by the service, so that one bad row fails only itself. */
export class ImportContactRowDoc {
  @ApiPropertyOptional({ example: '+46701234567', description: 'Any accepted phone number form' })
  msisdn?: string;

  @ApiPropertyOptional({ example: 'SE.13491208655302741918' })
  bsuid?: string;

  @ApiPropertyOptional({ example: 'SE.ENT.11815799212886844830' })
  parentBsuid?: string;

  @ApiPropertyOptional({
    example: 'crm-4711',
    description: "The CRM's own id for the person (up to 256 characters), returned with the contact and searchable",
  })
  externalId?: string;
}

export class ImportContactsDto {
  @ApiProperty({ type: [ImportContactRowDoc], maxItems: MAX_IMPORT_ROWS })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_IMPORT_ROWS)
  @IsObject({ each: true, message: 'each row must be an object' })
  contacts!: Record<string, unknown>[];
}
