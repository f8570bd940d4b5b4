import { HttpStatus } from '@nestjs/common';
import { AppError } from './app-error';
import { ResultCode } from './result-code';

/** SQLSTATE of a database error, whether TypeORM wrapped it or not. */
export function sqlState(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; driverError?: { code?: unknown } } | undefined;
  const code = candidate?.driverError?.code ?? candidate?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Rows changed between choosing them and locking them: the work must start again on fresh data. */
export class ConcurrentChangeError extends Error {
  constructor(message = 'Rows changed while they were being locked') {
    super(message);
    this.name = 'ConcurrentChangeError';
  }
}

/** PostgreSQL's SQLSTATE for a transaction it ended to break a deadlock. */
export const DEADLOCK_DETECTED = '40P01';

/** Two transactions raced (deadlock, serialization, a unique identifier taken meanwhile): run again. */
export function isRetryableConflict(error: unknown): boolean {
  if (error instanceof ConcurrentChangeError) return true;
  const code = sqlState(error);
  return code === '40001' || code === DEADLOCK_DETECTED || code === '23505';
}

const CONNECTION_FAILURE =
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|Connection terminated|connection error|timeout exceeded when trying to connect|not connected|Cannot use a pool after calling end|terminating connection/i;

/** The connection to the database is closed (the service is shutting down or lost it). */
export class DatabaseUnavailableError extends Error {
  constructor(message = 'The database connection is closed') {
    super(message);
    this.name = 'DatabaseUnavailableError';
  }
}

/** The database cannot be reached or is shutting down: the caller should retry later (503). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  const name = (error as { name?: unknown } | undefined)?.name;
  if (name === 'CannotExecuteNotConnectedError' || name === 'ConnectionIsNotSetError') return true;
  const code = sqlState(error);
  if (code) return /^(08|53|55P03|57|58)/.test(code);
  const candidate = error as { message?: unknown; code?: unknown } | undefined;
  const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');
  return CONNECTION_FAILURE.test(`${text(candidate?.code)} ${text(candidate?.message)}`);
}

export interface AsAppErrorOptions {
  /** The 503's description, for a caller that can say more than "the database". */
  unavailableMessage?: string;
  /** The caller already ran the work again on each race: a retryable conflict still standing is a 503 too. */
  retriesExhausted?: boolean;
}

/**
 * The AppError a database error stands for, or the error itself: a value PostgreSQL cannot store
 * (a NUL character, a number out of range) is the client's to fix (400); an unreachable database,
 * or a race that outlived its retries, asks the caller to retry later (503, so that LINK redelivers
 * a webhook).
 */
export function asAppError(error: unknown, options: AsAppErrorOptions = {}): unknown {
  if (error instanceof AppError) return error;
  if (sqlState(error)?.startsWith('22')) {
    return new AppError(HttpStatus.BAD_REQUEST, ResultCode.BadRequest, 'The request holds a value that cannot be stored');
  }
  if (isDatabaseUnavailable(error) || (options.retriesExhausted === true && isRetryableConflict(error))) {
    return AppError.unavailable(options.unavailableMessage ?? 'The database is unavailable; retry later');
  }
  return error;
}
