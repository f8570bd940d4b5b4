import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { RowPageQueryDto } from '../../common/http/row-page-query.dto';
import type { DeliveryStatus } from '../event-delivery.entity';

export class ListDeliveriesQueryDto extends RowPageQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'delivered', 'failed'], description: 'Only deliveries in this state; all when absent' })
  @IsOptional()
  @IsIn(['pending', 'delivered', 'failed'])
  status?: DeliveryStatus;
}
