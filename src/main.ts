import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureApp, createHttpAdapter } from './app.setup';
import { AppConfig, bootConfig } from './config/app-config';

async function bootstrap(): Promise<void> {
  const boot = bootConfig();
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createHttpAdapter(boot.bodyLimitBytes), {
    logger: levelsFrom(boot.logLevel),
    bodyParser: false,
  });
  configureApp(app);
  const config = app.get(AppConfig);
  await app.listen(config.port, '0.0.0.0');
  new Logger('Main').log(`Contact Book listening on port ${config.port}; API reference at /docs`);
}

function levelsFrom(level: string): ('fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose')[] {
  const order = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
  return order.slice(0, order.indexOf(level as (typeof order)[number]) + 1);
}

bootstrap().catch((error: unknown) => {
  new Logger('Main').fatal(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
