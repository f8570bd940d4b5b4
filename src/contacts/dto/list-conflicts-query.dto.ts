import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { RowPageQueryDto } from '../../common/http/row-page-query.dto';
import { CONFLICT_STATUSES } from '../../graph/link-conflicts.repository';
import type { ConflictStatus } from '../../graph/link-conflicts.repository';

export class ListConflictsQueryDto extends RowPageQueryDto {
  @ApiPropertyOptional({
    enum: CONFLICT_STATUSES,
    default: 'open',
    description:
      '`kept`: settled keeping the existing link; `accepted`: settled taking the claim; `withdrawn`: no longer raised once a late webhook put its part of the graph in event-time order',
  })
  @IsOptional()
  @IsIn(CONFLICT_STATUSES)
  status: ConflictStatus = 'open';
}
