import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

export class ListEventsQueryDto {
  @ApiPropertyOptional({
    description:
      "Read the events after this one: the nextCursor (or an event's cursor) of an earlier read; from the oldest kept when absent",
    example: '1042.7731',
  })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,18}\.\d{1,18}$/, { message: 'after must be the nextCursor of an earlier read' })
  after?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit = 100;
}
