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

/** Two transactions raced (deadlock, serialization, a unique identifier taken meanwhile): run again. */
export function isRetryableConflict(error: unknown): boolean {
  if (error instanceof ConcurrentChangeError) return true;
  const code = sqlState(error);
  return code === '40001' || code === '40P01' || code === '23505';
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
  return CONNECTION_FAILURE.test(`${String(candidate?.code ?? '')} ${String(candidate?.message ?? '')}`);
}
