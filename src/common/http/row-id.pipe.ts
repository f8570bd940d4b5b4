import { Injectable, PipeTransform } from '@nestjs/common';
import { AppError } from '../errors/app-error';

/** A bigint row id in a path (a conflict, a history row): 18 digits at most stay within PostgreSQL's bigint. */
@Injectable()
export class RowIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^[0-9]{1,18}$/.test(value)) throw AppError.notFound(`No row ${JSON.stringify(value.slice(0, 40))}: ids are digits`);
    return value;
  }
}
