import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, FieldError } from './app-error';
import { asAppError } from './database-errors';
import { ResultCode } from './result-code';

/** LINK's ErrorResponse, with the fields at fault when validation failed, and an AppError's details. */
export interface ErrorResponse {
  resultCode: number;
  description: string;
  translatedDescription: string | null;
  fields?: FieldError[];
  [detail: string]: unknown;
}

const codeByStatus: Partial<Record<number, ResultCode>> = {
  [HttpStatus.BAD_REQUEST]: ResultCode.BadRequest,
  [HttpStatus.UNAUTHORIZED]: ResultCode.Unauthorized,
  [HttpStatus.FORBIDDEN]: ResultCode.NoAccess,
  [HttpStatus.NOT_FOUND]: ResultCode.NotFound,
  [HttpStatus.CONFLICT]: ResultCode.Conflict,
  [HttpStatus.PAYLOAD_TOO_LARGE]: ResultCode.PayloadTooLarge,
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: ResultCode.InvalidPayload,
  [HttpStatus.TOO_MANY_REQUESTS]: ResultCode.TooManyRequests,
  [HttpStatus.SERVICE_UNAVAILABLE]: ResultCode.ServiceUnavailable,
};

/** Fastify's own errors (body parsing, size limit) carry a status and an FST_ code. */
interface FrameworkError {
  statusCode?: number;
  code?: string;
  message?: string;
}

/**
 * Turns anything thrown into a status and LINK's ErrorResponse: our AppError, Nest's HttpExceptions,
 * and Fastify's own errors raised before a route runs (JSON parsing, body size), which Nest hands
 * to its filters too.
 */
export function toErrorResponse(error: unknown): { status: number; body: ErrorResponse } {
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return { status, body: plain(codeByStatus[status] ?? ResultCode.BadRequest, httpMessage(error)) };
  }
  // Ours, or a database error standing for one (a value it cannot store, the database away).
  const known = asAppError(error);
  if (known instanceof AppError) {
    const body: ErrorResponse = { resultCode: known.resultCode, description: known.message, translatedDescription: null };
    if (known.fields.length > 0) body.fields = known.fields;
    // Details add keys; they never replace LINK's own.
    for (const [key, value] of Object.entries(known.details)) if (!(key in body) && key !== 'fields') body[key] = value;
    return { status: known.status, body };
  }
  const framework = error as FrameworkError;
  if (error instanceof SyntaxError || /^FST_ERR_CTP_(INVALID_JSON|EMPTY_JSON)/.test(String(framework?.code))) {
    return { status: HttpStatus.BAD_REQUEST, body: plain(ResultCode.InvalidPayload, 'Invalid Payload: the body is not valid JSON') };
  }
  const status = framework?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, body: plain(codeByStatus[status] ?? ResultCode.BadRequest, framework.message ?? 'Bad request') };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: plain(ResultCode.ServerError, 'Server error') };
}

function plain(resultCode: ResultCode, description: string): ErrorResponse {
  return { resultCode, description, translatedDescription: null };
}

function httpMessage(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  return Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : error.message;
}

/** 503 as the plain number `toErrorResponse` answers. */
const UNAVAILABLE: number = HttpStatus.SERVICE_UNAVAILABLE;

@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, body } = toErrorResponse(error);
    const route = `${request.method} ${request.routeOptions?.url ?? 'unknown route'}`;
    if (error instanceof AppError && status >= 500) {
      // A failure we named (LINK down, the database away): the message says it all, no stack needed.
      this.logger.warn(`${route} answered ${status}: ${error.message}`);
    } else if (status >= 500 && status !== UNAVAILABLE) {
      this.logger.error(`${route} failed [${request.id}]`, (error as Error)?.stack);
    }
    void reply.status(status).send(body);
  }
}
