import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { CONFLICT_STATUSES } from '../../graph/link-conflicts.repository';
import type { ConflictStatus } from '../../graph/link-conflicts.repository';


export class ListConflictsQueryDto {
  @ApiPropertyOptional({ enum: CONFLICT_STATUSES, default: 'open', description: '`kept`: settled keeping the existing link; `accepted`: settled taking the claim; `withdrawn`: no longer raised once a late webhook put its part of the graph in event-time order' })
  @IsOptional() @IsIn(CONFLICT_STATUSES)
  status: ConflictStatus = 'open';

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit = 50;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional() @IsString() @Matches(/^[0-9]{1,18}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;
}
