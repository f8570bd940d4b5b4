import { INestApplication, Logger } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppError } from './common/errors/app-error';
import { ErrorFilter } from './common/errors/error.filter';
import { BULK_BODY } from './common/http/bulk-body';
import { createValidationPipe } from './common/http/validation';
import { AppConfig } from './config/app-config';

/**
 * The HTTP adapter `main.ts` and the tests share. A path parameter may be a BSUID (up to 131
 * characters), a phone number written with spaces and URL-encoded, or a template name (up to 512):
 * Fastify's default of 100 characters would answer those 414 before any route runs.
 */
export function createHttpAdapter(bodyLimitBytes: number): FastifyAdapter {
  return new FastifyAdapter({ bodyLimit: bodyLimitBytes, maxParamLength: 2048 });
}

/** Everything `main.ts` and the tests share: validation, errors, request log, OpenAPI. */
export function configureApp(app: NestFastifyApplication): INestApplication {
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ErrorFilter());
  app.enableShutdownHooks();

  const fastify = app.getHttpAdapter().getInstance();
  // Routes marked @BulkBody() take lists of up to 10,000 rows; every other route keeps the small limit.
  const bulkBodyLimit = app.get(AppConfig).bulkBodyLimitBytes;
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
  const requests = new Logger('HTTP');
  fastify.addHook('onResponse', (request, reply, done) => {
    if (!Logger.isLevelEnabled('log')) return done();
    const key = (request as { principal?: { name: string } }).principal?.name ?? '-';
    requests.log(`${request.method} ${request.routeOptions.url ?? '(no route)'} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)}ms key=${key} id=${request.id}`);
    done();
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
