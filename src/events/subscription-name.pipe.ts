import { Injectable, PipeTransform } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';

/** A subscription's name in a path: what an API key's name may be. */
@Injectable()
export class SubscriptionNamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(value)) throw AppError.invalidField('name', 'must be 1-64 letters, digits, "_", "." or "-"');
    return value;
  }
}
