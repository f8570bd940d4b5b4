import helmet from '@fastify/helmet';
import { INestApplication } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { AppError } from './common/errors/app-error';
import { ErrorFilter } from './common/errors/error.filter';
import { BULK_BODY } from './common/http/bulk-body';
import { createValidationPipe } from './common/http/validation';
import { AppConfig } from './config/app-config';
import { Metrics } from './observability/metrics';
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
  });
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
  },
};

/** Everything `main.ts` and the tests share: logs, metrics, security headers, validation, errors, OpenAPI. */
export async function configureApp(app: NestFastifyApplication): Promise<INestApplication> {
  const config = app.get(AppConfig);
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ErrorFilter());
  await app.register(helmet, { contentSecurityPolicy: CONTENT_SECURITY_POLICY });
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
  recordRequests(fastify, app.get(Metrics));
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
    parseJson(request, body as string, (error, value) => (error ? done(AppError.invalidJson(), undefined) : done(null, value)));
  });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Contact Book')
      .setDescription('Phone number ↔ BSUID ↔ parent BSUID map of WhatsApp users, learned from LINK Mobility webhooks.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .addBasicAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
