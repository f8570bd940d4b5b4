import { HttpStatus } from '@nestjs/common';
import { ResultCode } from './result-code';

export interface FieldError {
  field: string;
  message: string;
}

/** The one error type services and domain code throw; `error.filter.ts` turns it into LINK's ErrorResponse. */
export class AppError extends Error {
  constructor(
    readonly status: HttpStatus,
    readonly resultCode: ResultCode,
    message: string,
    readonly fields: FieldError[] = [],
    /** More of the answer, in keys of its own beside LINK's ErrorResponse (the dedupe report, say), so that a client reads data, not sentences. */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  static validation(fields: FieldError[], details: Readonly<Record<string, unknown>> = {}): AppError {
    return new AppError(HttpStatus.BAD_REQUEST, ResultCode.ValidationError, 'Validation error', fields, details);
  }

  static invalidField(field: string, message: string): AppError {
    return AppError.validation([{ field, message }]);
  }

  static invalidJson(): AppError {
    return new AppError(HttpStatus.BAD_REQUEST, ResultCode.InvalidPayload, 'Invalid Payload: the body is not valid JSON');
  }

  static unauthorized(message = 'Unauthorized'): AppError {
    return new AppError(HttpStatus.UNAUTHORIZED, ResultCode.Unauthorized, message);
  }

  static noAccess(message = 'No access'): AppError {
    return new AppError(HttpStatus.FORBIDDEN, ResultCode.NoAccess, message);
  }

  static notFound(message: string): AppError {
    return new AppError(HttpStatus.NOT_FOUND, ResultCode.NotFound, message);
  }

  static conflict(message: string): AppError {
    return new AppError(HttpStatus.CONFLICT, ResultCode.Conflict, message);
  }

  static tooManyRequests(message: string): AppError {
    return new AppError(HttpStatus.TOO_MANY_REQUESTS, ResultCode.TooManyRequests, message);
  }

  static unavailable(message = 'Service unavailable, retry later'): AppError {
    return new AppError(HttpStatus.SERVICE_UNAVAILABLE, ResultCode.ServiceUnavailable, message);
  }

  /** LINK answered an error or something unreadable. */
  static badGateway(message: string): AppError {
    return new AppError(HttpStatus.BAD_GATEWAY, ResultCode.UpstreamFailed, message);
  }

  /** LINK could not be reached, or did not answer in time. */
  static gatewayTimeout(message: string): AppError {
    return new AppError(HttpStatus.GATEWAY_TIMEOUT, ResultCode.UpstreamUnreachable, message);
  }
}
