import type { INestApplication, LoggerService } from '@nestjs/common';
import type { Server } from 'node:http';

export interface ShutdownSteps {
  /** Fail readiness, then keep serving while balancers notice (SHUTDOWN_DELAY_MS). */
  announce(): Promise<void>;
  /** Stop taking connections and wait for the requests in flight. */
  stopHttp(): Promise<void>;
  /** Wait for work the requests left behind (webhooks and outbound records still to commit). */
  drain(): Promise<void>;
  /** Close everything else, the database last. */
  close(): Promise<void>;
}

/**
 * On SIGTERM or SIGINT: stop taking requests, let those in flight finish, drain, close, exit 0.
 * Whatever is still running when `graceMs` has passed is abandoned and the process exits 1, so
 * that an orchestrator's own kill deadline is never the one that ends it. A second signal
 * changes nothing: the first shutdown goes on.
 */
export function exitOnSignals(
  steps: ShutdownSteps,
  graceMs: number,
  logger: LoggerService,
  exit: (code: number) => void = (code) => process.exit(code),
  signals: Pick<NodeJS.EventEmitter, 'on'> = process,
): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: finishing requests in flight, then stopping (grace ${graceMs} ms)`, 'Shutdown');
    const deadline = setTimeout(() => {
      logger.error(`Still busy after ${graceMs} ms: exiting without finishing`, undefined, 'Shutdown');
      exit(1);
    }, graceMs);
    shutDown(steps).then(
      () => {
        clearTimeout(deadline);
        logger.log('Stopped', 'Shutdown');
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        logger.error(`Shutdown failed: ${error instanceof Error ? error.message : String(error)}`, undefined, 'Shutdown');
        exit(1);
      },
    );
  };
  // `on`, not `once`: with no listener left, a second SIGTERM would end the process at once.
  signals.on('SIGTERM', () => stop('SIGTERM'));
  signals.on('SIGINT', () => stop('SIGINT'));
}

async function shutDown(steps: ShutdownSteps): Promise<void> {
  await steps.announce();
  await steps.stopHttp();
  await steps.drain();
  await steps.close();
}

/** The steps for a NestJS application on Fastify. */
export function applicationSteps(app: INestApplication, announce: () => Promise<void>, drain: () => Promise<void>): ShutdownSteps {
  return {
    announce,
    stopHttp: async () => {
      // Closing the server refuses new connections and closes the idle ones, but a kept-alive
      // connection that was busy then would stay open until its keep-alive timeout (72 s): it is
      // closed as soon as its answer has gone.
      const server = app.getHttpServer() as Server;
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      try {
        await app.getHttpAdapter().close();
      } finally {
        clearInterval(sweep);
      }
    },
    drain,
    // Nest's own close: lifecycle hooks, then the database (its module closes it at shutdown).
    close: () => app.close(),
  };
}
