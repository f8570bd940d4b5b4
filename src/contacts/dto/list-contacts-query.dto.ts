import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO31661Alpha2, IsISO8601, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { QueryBoolean } from '../../common/http/query-boolean';

/** Filters of the contact list; all of them must hold. Absent means "any". */
export class ListContactsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit = 100;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsUUID('all', { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ description: 'Has (true) or lacks (false) a phone number' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  hasPhone?: boolean;

  @ApiPropertyOptional({ description: 'Has (true) or lacks (false) a BSUID' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  hasBsuid?: boolean;

  @ApiPropertyOptional({ description: 'Has (true) or lacks (false) a parent BSUID' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  hasParent?: boolean;

  @ApiPropertyOptional({ description: 'Known by BSUID only, no phone number (true), or the opposite (false)' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  bsuidOnly?: boolean;

  @ApiPropertyOptional({
    enum: ['active', 'invalid'],
    description: '`invalid`: LINK reported the user invalid (112404) after the last exchange',
  })
  @IsOptional()
  @IsIn(['active', 'invalid'])
  status?: 'active' | 'invalid';

  @ApiPropertyOptional({
    example: 'SE',
    description:
      "ISO country: the phone number's calling code (shared codes such as +1 match every country using them) or the BSUID's prefix",
  })
  @IsOptional()
  @IsISO31661Alpha2()
  country?: string;

  @ApiPropertyOptional({
    example: '2026-06-01T00:00:00Z',
    description: 'Last seen in a webhook (or, for a contact only imported, imported) at or after this time',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  seenSince?: string;

  @ApiPropertyOptional({ example: '2026-06-01T00:00:00Z', description: 'Changed at or after this time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  updatedSince?: string;

  @ApiPropertyOptional({ description: "Inside (true) or outside (false) WhatsApp's 24-hour customer care window" })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  careWindowOpen?: boolean;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 30,
    description:
      'Contacts whose phone number stops arriving in webhooks within this many days (phoneVisibleUntil between now and then). ' +
      'A contact in the contact book (phoneVisibility `contactBook`) is never listed: its phone keeps arriving',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(30)
  phoneVisibilityEndsWithinDays?: number;

  @ApiPropertyOptional({
    description:
      'true: the "send one MT" worklist, contacts with a phone number that no exchange by phone (on or after CONTACT_BOOK_SINCE) ' +
      'has logged into the contact book yet (phoneVisibility `window` or `none`). false: every other contact, those in the ' +
      'contact book and those without a phone number (with hasPhone=true: the contact book)',
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  needsContactBookEntry?: boolean;

  @ApiPropertyOptional({ description: 'Has (true) or has no (false) open conflict' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  inConflict?: boolean;

  @ApiPropertyOptional({ description: "The CRM's own id, as imported" })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  externalId?: string;
}
