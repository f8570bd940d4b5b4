import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class GetStatsQueryDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 30, default: 7, description: 'Horizon of `phoneVisibilityAtRisk`, in days' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(30)
  atRiskWithinDays = 7;
}
