import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { dirname, join } from 'node:path';

/** The console's own files: copied next to the compiled code by `nest build` (nest-cli.json `assets`). */
const CONSOLE_FOLDER = join(__dirname, 'public');

/**
 * lit-html's browser build (the package's root folder; `node/` and `development/` are other
 * builds). Its modules import each other by relative paths, so the folder is served as it is,
 * with no bundler and no import map (an inline one would need the CSP to allow inline scripts).
 */
const LIT_HTML_FOLDER = dirname(dirname(require.resolve('lit-html')));
const LIT_HTML_MODULE = /^\/(?:directives\/)?[a-z-]+\.js$/;

/**
 * The admin console at /admin: static files only. Every piece of data it shows comes from the API
 * with the key the user signs in with, through the same guards as any other client, so serving the
 * files needs no key (they hold nothing but code).
 */
export async function serveAdminConsole(app: NestFastifyApplication): Promise<void> {
  // Swagger UI registers @fastify/static too: only one registration may decorate the reply.
  await app.register(fastifyStatic, {
    root: CONSOLE_FOLDER,
    // Without the trailing slash, so that /admin redirects to /admin/ (relative paths in the page need it).
    prefix: '/admin',
    decorateReply: false,
    redirect: true,
    index: ['index.html'],
  });
  await app.register(fastifyStatic, {
    root: LIT_HTML_FOLDER,
    prefix: '/admin/vendor/lit-html/',
    decorateReply: false,
    index: false,
    allowedPath: (path) => LIT_HTML_MODULE.test(path),
  });
}
