import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray } from 'class-validator';

export const MAX_RESOLVE = 10_000;

export class ResolveContactsDto {
  /** Items are read one by one: one that is not an identifier (not even a string) is answered `invalid`, it does not fail the batch. */
  @ApiProperty({ type: [String], maxItems: MAX_RESOLVE, example: ['+46701234567', 'SE.13491208655302741918', '0701234567'] })
  @IsArray()
  @ArrayMaxSize(MAX_RESOLVE)
  identifiers!: unknown[];
}
