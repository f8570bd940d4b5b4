import { RouteConfig } from '@nestjs/platform-fastify';

export const BULK_BODY = 'bulkBody';

/** The route takes a list (up to 10,000 rows): its body may grow to BULK_BODY_LIMIT_BYTES instead of BODY_LIMIT_BYTES. */
export const BulkBody = () => RouteConfig({ [BULK_BODY]: true });
