import type { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino, { DestinationStream } from 'pino';
import { AppConfig } from '../config/app-config';

/** Where log lines go: standard output, unless a test hands its own stream. */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

/**
 * JSON logs through pino. Each request gets a child logger bound to its request id (so anything
 * logged while serving it carries `requestId`), but pino-http writes no line of its own: the one
 * line per request comes from `request-log.ts`, which knows the route template and the key.
 * Requests are never serialized whole: URLs carry phone numbers, headers carry secrets.
 */
export function loggingModule(): DynamicModule {
  return LoggerModule.forRootAsync({
    providers: [{ provide: LOG_DESTINATION, useFactory: () => pino.destination(1) }],
    inject: [AppConfig, LOG_DESTINATION],
    useFactory: (config: AppConfig, destination: DestinationStream) => ({
      pinoHttp: [
        {
          level: config.logLevel,
          autoLogging: false,
          quietReqLogger: true,
          customAttributeKeys: { reqId: 'requestId' },
          timestamp: pino.stdTimeFunctions.isoTime,
          formatters: { level: (label: string) => ({ level: label }) },
          // pino-http still binds the raw request and response to a logger of its own; they must
          // never be written (the URL carries identifiers, the headers secrets).
          serializers: { req: () => undefined, res: () => undefined },
        },
        destination,
      ],
    }),
  });
}
