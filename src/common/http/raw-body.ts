import { SetMetadata } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

const RAW_BODY = 'rawBody';
/** What a raw-body request's Content-Type reads as while Fastify decides how to parse it. */
const RAW = 'application/x-contact-book-raw';
/** Where `@RouteConfig()` keeps a handler's Fastify route config (@nestjs/platform-fastify's constant). */
const ROUTE_CONFIG = '__fastify_route_config__';

/**
 * The route's body reaches its handler as the bytes sent (a Buffer in `request.body`), whatever
 * its Content-Type: a signature over the body (Meta's X-Hub-Signature-256) is checked on those
 * bytes before anything reads them. The route's body limit applies as on every route. Added to
 * the route config already there (`@HighVolume()` below it), which a second `@RouteConfig()` would replace.
 */
export const RawBody = (): MethodDecorator => (target, key, descriptor) => {
  const existing = (Reflect.getMetadata(ROUTE_CONFIG, descriptor.value as object) as Record<string, unknown> | undefined) ?? {};
  return SetMetadata(ROUTE_CONFIG, { ...existing, [RAW_BODY]: true })(target, key, descriptor);
};

export function registerRawBodies(fastify: FastifyInstance): void {
  fastify.addHook('preParsing', (request, _reply, payload, done) => {
    if ((request.routeOptions.config as unknown as Record<string, unknown> | undefined)?.[RAW_BODY] === true) {
      request.raw.headers['content-type'] = RAW;
    }
    done(null, payload);
  });
  fastify.addContentTypeParser(RAW, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
}
