import { HttpStatus, INestApplication } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ConnectionError, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { serveAdminConsole } from './admin/admin-console';
import { ApiKeysService } from './auth/api-keys.service';
import { AppError } from './common/errors/app-error';
import { ErrorFilter, toErrorResponse } from './common/errors/error.filter';
import { ResultCode } from './common/errors/result-code';
import { BULK_BODY } from './common/http/bulk-body';
import { clientErrorFor, rawErrorResponse } from './common/http/client-error';
import { documentErrors } from './common/http/openapi-errors';
import { registerPassThroughBodies } from './common/http/pass-through-body';
import { registerRawBodies } from './common/http/raw-body';
import { createValidationPipe } from './common/http/validation';
import { AppConfig } from './config/app-config';
import { MetricsService } from './observability/metrics.service';
import { recordRequests } from './observability/request-log';

/**
 * The HTTP adapter `main.ts` and the tests share. A path parameter may be a BSUID (up to 131
 * characters), a phone number written with spaces and URL-encoded, or a template name (up to 512):
 * Fastify's default of 100 characters would answer those 414 before any route runs.
 */
export function createHttpAdapter(config: Pick<AppConfig, 'bodyLimitBytes' | 'trustProxy'>): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    routerOptions: { maxParamLength: 2048 },
    trustProxy: config.trustProxy,
    // Ours, not the caller's: a request id in logs must not be something a client chose.
    genReqId: () => randomUUID(),
    // After SIGTERM, a request on a kept-alive connection is answered 503 (and the connection closed).
    return503OnClosing: true,
    frameworkErrors: answerUnroutableUrl,
    clientErrorHandler: answerClientError,
  });
}

/** Connections already answered by `answerClientError`, which Node's parser reports again for each chunk that follows. */
const ANSWERED = new WeakSet<Socket>();
/**
 * How long such a connection stays open to take in what the client is still sending: closing it with
 * unread data would reset the connection, and the client could lose the answer.
 */
const LINGER_MS = 2_000;

/**
 * Node's HTTP parser refuses some requests before Fastify sees them (a header block or URL over
 * the size limit, bytes that are not HTTP): answered in LINK's ErrorResponse with the headers every
 * answer gets, and `Connection: close`, since nothing more can be read on that connection.
 */
function answerClientError(error: ConnectionError, socket: Socket): void {
  if (ANSWERED.has(socket) || socket.destroyed || error.code === 'ECONNRESET') return;
  // As Node does: never write into an answer already under way on this connection.
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  ANSWERED.add(socket);
  socket.end(rawErrorResponse(clientErrorFor(error.code), { ...SECURITY_HEADER_VALUES, 'x-request-id': randomUUID() }));
  const linger = setTimeout(() => socket.destroy(), LINGER_MS).unref();
  socket.once('close', () => clearTimeout(linger));
}

/**
 * Fastify answers a URL it cannot route (bad percent-encoding, a path segment past maxParamLength)
 * itself, before any hook or Nest filter runs: in LINK's ErrorResponse here too, with the headers
 * every answer gets. The URL is not echoed, as Fastify's own message does: it may hold a phone number.
 */
function answerUnroutableUrl(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const description =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'A path segment is too long'
      : 'The URL is not valid: a path segment is badly percent-encoded';
  const { status, body } = toErrorResponse(new AppError(error.statusCode ?? HttpStatus.BAD_REQUEST, ResultCode.BadRequest, description));
  SECURITY_HEADERS(request.raw, reply.raw, () => undefined);
  void reply.status(status).header('x-request-id', request.id).send(body);
}

/** LINK's deepest payloads (template carousels) are 12 levels deep. */
const MAX_JSON_DEPTH = 64;

function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [node, depth] = item;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(node)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Swagger UI loads its script and styles from /docs itself, but styles some elements inline and
 * shows its logo and validator badge as images from data: URLs.
 */
const CONTENT_SECURITY_POLICY = {
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    frameAncestors: ["'none'"],
    // Helmet's default would make a browser fetch /docs's scripts over https, breaking plain-HTTP access.
    upgradeInsecureRequests: null,
  },
};

/** Helmet built once (@fastify/helmet builds it again on every request, for per-route options). */
const SECURITY_HEADERS = helmet({ contentSecurityPolicy: CONTENT_SECURITY_POLICY });

/** The same headers as names and values, for an answer written on a bare socket (there is no response to set them on). */
const SECURITY_HEADER_VALUES: Readonly<Record<string, string>> = headersOf(SECURITY_HEADERS);

function headersOf(middleware: typeof SECURITY_HEADERS): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  middleware({} as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  return headers;
}

/** Everything `main.ts` and the tests share: logs, metrics, security headers, validation, errors, OpenAPI, the admin console. */
export async function configureApp(app: NestFastifyApplication): Promise<INestApplication> {
  const config = app.get(AppConfig);
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ErrorFilter());
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => SECURITY_HEADERS(request.raw, reply.raw, () => done()));
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins.includes('*') ? true : [...config.corsOrigins],
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type'],
      exposedHeaders: ['retry-after', 'x-request-id'],
      maxAge: 600,
    });
  }

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  recordRequests(fastify, app.get(MetricsService));
  // Routes marked @BulkBody() take lists of up to 10,000 rows; every other route keeps the small limit.
  const bulkBodyLimit = config.bulkBodyLimitBytes;
  fastify.addHook('onRoute', (route) => {
    if ((route.config as Record<string, unknown> | undefined)?.[BULK_BODY]) route.bodyLimit = bulkBodyLimit;
  });
  // Fastify's own JSON parser (with its prototype-poisoning guard), failing as LINK's 112505.
  // The app is created with `bodyParser: false` so that Nest does not register its own.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // Many clients send the content type on every request: an empty body is no body (a DELETE, say), not bad JSON.
    if (body === '') return done(null, undefined);
    void parseJson(request, body as string, (error, value) => {
      if (error) return done(AppError.invalidJson(), undefined);
      // class-transformer walks a DTO's body recursively: thousands of levels overflow the stack (a 500).
      if (nestedDeeperThan(value, MAX_JSON_DEPTH))
        return done(AppError.invalidField('body', `must not be nested deeper than ${MAX_JSON_DEPTH} levels`), undefined);
      done(null, value);
    });
  });

  // LINK's routes passed through take their bodies unparsed, whatever their type (media uploads stream).
  registerPassThroughBodies(fastify);
  // Meta's webhooks are signed over the bytes sent: their routes take them unparsed.
  registerRawBodies(fastify);

  if (config.apiDocs) serveApiDocs(app);
  await serveAdminConsole(app);
  return app;
}

/**
 * Swagger UI at /docs and the OpenAPI document at /docs-json, for any valid key (API_DOCS=false
 * turns them off). A browser without one is asked for Basic credentials: a key's name and secret.
 */
function serveApiDocs(app: NestFastifyApplication): void {
  const keys = app.get(ApiKeysService);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      if (!/^\/docs(?:[/?-]|$)/.test(request.url)) return done();
      try {
        keys.authenticate(request.headers.authorization);
        done();
      } catch (error) {
        const { status, body } = toErrorResponse(error);
        void reply.status(status).header('www-authenticate', 'Basic realm="Contact Book API reference"').send(body);
      }
    });
  const document = documentErrors(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Contact Book')
        .setDescription('Phone number ↔ BSUID ↔ parent BSUID map of WhatsApp users, learned from LINK Mobility and Meta webhooks.')
        .setVersion('0.1.0')
        .addBearerAuth()
        .addBasicAuth()
        .build(),
    ),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
