import { HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { AppError } from '../errors/app-error';
import { toErrorResponse } from '../errors/error.filter';
import { ResultCode } from '../errors/result-code';

const REQUEST_HEADER_FIELDS_TOO_LARGE = 431 as HttpStatus;

/**
 * What to answer an error of Node's HTTP parser, raised before there is a request for Fastify to
 * route: a header block or URL over the size limit, a request too slow to arrive, or bytes that are
 * not HTTP. Nothing of the request is echoed.
 */
export function clientErrorFor(code: string | undefined): AppError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new AppError(
        REQUEST_HEADER_FIELDS_TOO_LARGE,
        ResultCode.HeadersTooLarge,
        'The request line and headers are larger than this service accepts',
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new AppError(HttpStatus.REQUEST_TIMEOUT, ResultCode.RequestTimeout, 'The request took too long to arrive');
    default:
      return new AppError(HttpStatus.BAD_REQUEST, ResultCode.BadRequest, 'The request is not valid HTTP');
  }
}

/**
 * A whole HTTP/1.1 answer in LINK's ErrorResponse, to write on the socket itself, with `headers`
 * (the security headers and request id every answer carries). The connection closes after it: what
 * else the client sent on it cannot be read as a request.
 */
export function rawErrorResponse(error: AppError, headers: Readonly<Record<string, string>>): string {
  const { status, body } = toErrorResponse(error);
  const text = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(text)}`,
    'connection: close',
  ];
  return `${lines.join('\r\n')}\r\n\r\n${text}`;
}
