import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { EVENT_TYPES } from '../domain/identity-event';
import type { IdentifierExposure, IdentityEventType } from '../domain/identity-event';

export class PutSubscriptionDto {
  @ApiProperty({ example: 'https://crm.example.com/hooks/contact-book', maxLength: 2048 })
  @IsString()
  @MaxLength(2048)
  url!: string;

  @ApiPropertyOptional({ enum: EVENT_TYPES, isArray: true, description: 'The event types to deliver; every type when absent' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_TYPES.length)
  @IsIn(EVENT_TYPES, { each: true })
  types?: IdentityEventType[];

  @ApiPropertyOptional({ enum: ['full', 'masked'], default: 'full', description: '`masked` delivers identifiers as `+4670*****67`' })
  @IsOptional()
  @IsIn(['full', 'masked'])
  identifiers?: IdentifierExposure;
}
