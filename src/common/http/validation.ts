import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, FieldError } from '../errors/app-error';
import { isJsonObject } from './json';

/**
 * The one validation pipe: strips unknown fields, converts types, and fails as LINK's 112506 with the fields at fault.
 * A body read into a DTO must be a JSON object: Nest's own pipe reads `null` or no body as `{}`, which a
 * DTO of optional fields accepts, so that a PUT would replace a whole resource with nothing.
 */
class AppValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && this.toValidate(metadata) && !isJsonObject(value)) {
      return Promise.reject(AppError.invalidField('body', 'must be a JSON object'));
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({
    whitelist: true,
    transform: true,
    exceptionFactory: (errors) => AppError.validation(flatten(errors)),
  });
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
