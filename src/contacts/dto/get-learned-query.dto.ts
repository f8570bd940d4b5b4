import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class GetLearnedQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 90, default: 30, description: 'How many days back, today (UTC) included' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(90)
  days = 30;
}
