import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { QueryBoolean } from '../../common/http/query-boolean';
import type { Prefer } from '../domain/destination-plan';

/** How to plan a send: which identifier of a person to keep, and the optional policies (off by default). */
export class DedupeQueryDto {
  @ApiPropertyOptional({
    enum: ['msisdn', 'bsuid'],
    default: 'msisdn',
    description: "Which of one person's identifiers to keep; authentication templates always go to the phone",
  })
  @IsOptional()
  @IsIn(['msisdn', 'bsuid'])
  prefer: Prefer = 'msisdn';

  @ApiPropertyOptional({
    description:
      "Reject non-template messages to people outside the 24-hour care window (CARE_WINDOW_CLOSED); absent: the portfolio's policy",
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  careWindow?: boolean;

  @ApiPropertyOptional({ description: "Skip people LINK reported invalid (INVALID_CONTACT); absent: the portfolio's policy" })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  skipInvalid?: boolean;

  @ApiPropertyOptional({
    description:
      "Skip people who stopped marketing messages when a message is a MARKETING template (MARKETING_OPT_OUT); absent: the portfolio's policy (off unless turned on)",
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  skipMarketingOptOut?: boolean;
}
