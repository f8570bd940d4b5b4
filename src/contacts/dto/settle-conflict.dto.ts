import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';

export class SettleConflictDto {
  @ApiProperty({
    enum: ['keep', 'accept'],
    description:
      '`keep`: the contact keeps what it has and the claim is dismissed; `accept`: the claimed value becomes the link, taken from any contact holding it',
  })
  @IsIn(['keep', 'accept'])
  resolution!: 'keep' | 'accept';
}
