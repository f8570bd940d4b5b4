import { Injectable, PipeTransform } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { TEMPLATE_NAME } from './domain/template-list';

/** A template name in a path, as Meta allows them. */
@Injectable()
export class TemplateNamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!TEMPLATE_NAME.test(value)) throw AppError.invalidField('name', 'name must be 1-512 lower-case letters, digits or underscores');
    return value;
  }
}
