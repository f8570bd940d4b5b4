import { Logger } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { Logger as PinoRoot } from 'pino';

/**
 * Whether `debug` lines would be written. The service logs through pino; the backfill CLI runs
 * the same services on Nest's own logger, where pino's root logger was never made.
 */
export function isDebugEnabled(): boolean {
  const root = PinoLogger.root as PinoRoot | undefined;
  return root ? root.isLevelEnabled('debug') : Logger.isLevelEnabled('debug');
}
