import { RouteConfig } from '@nestjs/platform-fastify';

export const HIGH_VOLUME = 'highVolume';

/**
 * The route is called thousands of times a second (LINK's webhooks): its answered requests are
 * logged at `debug`, not `info`, so that the log writes a line per batch rather than per request.
 * A request answered with an error is logged at `info` as on every route.
 */
export const HighVolume = () => RouteConfig({ [HIGH_VOLUME]: true });
