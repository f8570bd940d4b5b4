import { HttpStatus } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { Transform, TransformCallback } from 'node:stream';
import { AppError } from '../common/errors/app-error';
import { ResultCode } from '../common/errors/result-code';
import { assertFormAgrees, LinkTarget, PLATFORM_FIELDS, readBodyTarget, readFieldsTarget } from './domain/link-route';
import { MultipartError, multipartBoundary, MultipartScanner } from './domain/multipart-scan';

/** At most this much of a multipart form is read before the account it names must be known. */
const MAX_FORM_LEAD_BYTES = 64 * 1024;

/** How the body of a passed-through call goes to LINK, and what it says of the account and the call. */
export interface PassThroughBody {
  /** Bytes read before LINK is called: the whole body, or the lead of a form. */
  head?: Buffer;
  /** The rest, streamed once the account is checked, through a guard (its size, a form's later fields). */
  rest?: (target: Required<LinkTarget>) => Transform;
  /** The account the body names. */
  target: LinkTarget;
  /** A JSON body, read: what a template call teaches. */
  json?: unknown;
  /** The body was meant to be JSON and is not. */
  unreadable?: boolean;
}

export interface BodyLimits {
  /** For bodies read whole (JSON, URL-encoded forms): BODY_LIMIT_BYTES. */
  readBytes: number;
  /** For bodies streamed (media): PASS_THROUGH_BODY_LIMIT_BYTES. */
  streamBytes: number;
}

/**
 * Reads what the service needs of a passed-through body, keeping in memory only what it must: a
 * JSON or URL-encoded body (small, under BODY_LIMIT_BYTES) is read whole, as it names the account
 * (`POST /mo/status`) and teaches the template registry; a multipart form is read up to the fields
 * that name the account (LINK's media uploads) and streamed from there; anything else streams.
 */
export async function readPassThroughBody(
  raw: IncomingMessage,
  contentType: string | undefined,
  limits: BodyLimits,
): Promise<PassThroughBody> {
  if (!hasBody(raw)) return { target: {} };
  const declared = Number(raw.headers['content-length']);
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json') || type === 'application/x-www-form-urlencoded') {
    if (declared > limits.readBytes) throw tooLarge(limits.readBytes);
    const head = await readWhole(raw, limits.readBytes);
    if (type === 'application/x-www-form-urlencoded') return { head, target: readFieldsTarget(new URLSearchParams(head.toString('utf8'))) };
    const json = parseJson(head);
    return json === UNREADABLE ? { head, target: {}, unreadable: true } : { head, target: readBodyTarget(json), json };
  }
  if (declared > limits.streamBytes) throw tooLarge(limits.streamBytes);
  const boundary = multipartBoundary(contentType);
  if (!boundary) return { target: {}, rest: () => guarded(raw, limits.streamBytes, 0) };
  const scanner = new MultipartScanner(boundary);
  const head = await readFormLead(raw, scanner);
  const target = readFieldsTarget({ get: (name) => scanner.fieldValue(name) });
  return {
    head,
    target,
    rest: (checked) => {
      assertFormAgrees(scanner.parts, checked);
      return guarded(raw, limits.streamBytes, head.length, (chunk) => {
        scanner.write(chunk);
        assertFormAgrees(scanner.parts, checked);
      });
    },
  };
}

function hasBody(raw: IncomingMessage): boolean {
  if (raw.headers['transfer-encoding'] !== undefined) return true;
  const length = raw.headers['content-length'];
  return length !== undefined && length !== '0';
}

const UNREADABLE = Symbol('unreadable');

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return UNREADABLE;
  }
}

function tooLarge(limit: number): AppError {
  return new AppError(HttpStatus.PAYLOAD_TOO_LARGE, ResultCode.PayloadTooLarge, `The body is larger than ${limit} bytes`);
}

/** The whole body, refused past `limit` bytes. */
function readWhole(raw: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (error?: Error) => {
      raw.off('data', onData).off('end', onEnd).off('error', stop).off('close', onClose);
      if (error) return reject(error);
      resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return stop(tooLarge(limit));
      chunks.push(chunk);
    };
    const onEnd = () => stop();
    const onClose = () => raw.complete || stop(new Error('the caller went away'));
    raw.on('data', onData).on('end', onEnd).on('error', stop).on('close', onClose);
  });
}

/**
 * A form's lead: read until the account's three fields are complete, a file begins or the form
 * ends, at most MAX_FORM_LEAD_BYTES. The stream is paused there, its rest unread.
 */
function readFormLead(raw: IncomingMessage, scanner: MultipartScanner): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (error?: Error) => {
      raw.off('data', onData).off('end', onEnd).off('error', stop).off('close', onClose);
      raw.pause();
      if (error) return reject(error);
      resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      try {
        scanner.write(chunk);
      } catch (error) {
        return stop(unreadableForm(error));
      }
      const named = PLATFORM_FIELDS.every((field) => scanner.fieldValue(field) !== undefined);
      if (named || scanner.done || scanner.parts.some((part) => part.file) || size >= MAX_FORM_LEAD_BYTES) stop();
    };
    const onEnd = () => stop();
    const onClose = () => raw.complete || stop(new Error('the caller went away'));
    raw.on('data', onData).on('end', onEnd).on('error', stop).on('close', onClose);
  });
}

function unreadableForm(error: unknown): Error {
  return error instanceof MultipartError
    ? AppError.invalidField('body', `not a readable multipart/form-data body: ${error.message}`)
    : (error as Error);
}

/**
 * The rest of a streamed body, counted (PASS_THROUGH_BODY_LIMIT_BYTES) and checked chunk by chunk
 * before each goes on to LINK. A caller gone half-way fails it, and so LINK's request.
 */
function guarded(raw: IncomingMessage, limit: number, alreadyRead: number, check?: (chunk: Buffer) => void): Transform {
  let size = alreadyRead;
  const guard = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      size += chunk.length;
      if (size > limit) return callback(tooLarge(limit));
      try {
        check?.(chunk);
      } catch (error) {
        return callback(unreadableForm(error));
      }
      callback(null, chunk);
    },
  });
  raw.once('close', () => raw.complete || guard.destroy(new Error('the caller went away')));
  guard.once('error', () => {
    raw.unpipe(guard);
    // What is left of the body is read and dropped, so that the caller can be answered.
    raw.resume();
  });
  raw.pipe(guard);
  return guard;
}
