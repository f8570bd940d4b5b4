import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';

const PASS_THROUGH = 'passThroughBody';
/** What a pass-through request's Content-Type reads as while Fastify decides how to parse it. */
const UNPARSED = 'application/x-contact-book-unparsed';
const ORIGINAL_CONTENT_TYPE = Symbol('original content type');

type Marked = IncomingMessage & { [ORIGINAL_CONTENT_TYPE]?: string };

/**
 * The route's body is not parsed: its handler reads the raw request stream (`request.raw`), to
 * pass it on as it arrives. Its size limits are the handler's to keep.
 */
export const PassThroughBody = () => RouteConfig({ [PASS_THROUGH]: true });

/**
 * Fastify parses every body before a route runs, by its Content-Type, and refuses a type it has no
 * parser for (a multipart upload). For routes marked @PassThroughBody() the Content-Type is set
 * aside before parsing and replaced by one whose parser reads nothing, so that the body reaches
 * the handler unread, whatever it is; `contentTypeOf` gives the caller's back.
 */
export function registerPassThroughBodies(fastify: FastifyInstance): void {
  fastify.addHook('preParsing', (request, _reply, payload, done) => {
    if ((request.routeOptions.config as unknown as Record<string, unknown> | undefined)?.[PASS_THROUGH] === true) {
      const raw = request.raw as Marked;
      raw[ORIGINAL_CONTENT_TYPE] = raw.headers['content-type'];
      raw.headers['content-type'] = UNPARSED;
    }
    done(null, payload);
  });
  fastify.addContentTypeParser(UNPARSED, (_request, _payload, done) => done(null, undefined));
}

/** The Content-Type the caller sent on a pass-through route. */
export function contentTypeOf(request: FastifyRequest): string | undefined {
  const raw = request.raw as Marked;
  return ORIGINAL_CONTENT_TYPE in raw ? raw[ORIGINAL_CONTENT_TYPE] : raw.headers['content-type'];
}
