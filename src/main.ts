import { ConsoleLogger, LogLevel as NestLogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configureApp, createHttpAdapter } from './app.setup';
import { applicationSteps, exitOnSignals } from './common/lifecycle/graceful-shutdown';
import { bootConfig, LogLevel } from './config/app-config';
import { ShutdownStateService } from './health/shutdown-state.service';
import { IngestService } from './graph/ingest.service';
import { LinkProxyService } from './dispatch/link-proxy.service';

async function bootstrap(): Promise<void> {
  // Bad configuration stops here, before anything starts, with one line per problem.
  const config = await bootConfig();
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), createHttpAdapter(config), {
    // Until pino takes over (or if start fails before it can), Nest's own logger writes JSON too.
    logger: new ConsoleLogger({ json: true, logLevels: nestLevels(config.logLevel) }),
    bufferLogs: true,
    bodyParser: false,
    abortOnError: false,
  });
  await configureApp(app);
  const logger = app.get(Logger);
  const ingest = app.get(IngestService);
  const proxy = app.get(LinkProxyService);
  const shutdown = app.get(ShutdownStateService);
  const announce = async () => {
    shutdown.stopping = true;
    await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
  };
  exitOnSignals(
    // What requests left to write: the sends' records, and the graph's queue (webhooks, outbound exchanges).
    applicationSteps(app, announce, async () => {
      await proxy.whenIdle();
      await ingest.whenIdle();
    }),
    config.shutdownGraceMs,
    logger,
  );
  await app.listen(config.port, config.host);
  logger.log(`Contact Book listening on port ${config.port}${config.apiDocs ? '; API reference at /docs' : ''}`, 'Main');
}

/** Nest's levels at or above a pino level. */
function nestLevels(level: LogLevel): NestLogLevel[] {
  const order: [LogLevel, NestLogLevel][] = [
    ['fatal', 'fatal'],
    ['error', 'error'],
    ['warn', 'warn'],
    ['info', 'log'],
    ['debug', 'debug'],
    ['trace', 'verbose'],
  ];
  return order.slice(0, order.findIndex(([pino]) => pino === level) + 1).map(([, nest]) => nest);
}

bootstrap().catch((error: unknown) => {
  // Logs may not be set up yet (bad configuration, a database that cannot be migrated): plain stderr.
  process.stderr.write(`Contact Book could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
