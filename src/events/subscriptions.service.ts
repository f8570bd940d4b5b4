import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors/app-error';
import { AppConfig } from '../config/app-config';
import { formatCursor } from './domain/event-view';
import { urlProblem } from './domain/destination';
import { EVENT_TYPES } from './domain/identity-event';
import type { IdentifierExposure, IdentityEventType } from './domain/identity-event';
import { newSecret } from './domain/signature';
import { SETTLED } from './events.repository';
import type { PutSubscriptionDto } from './dto/put-subscription.dto';

export interface SubscriptionView {
  portfolio: string;
  name: string;
  url: string;
  types: IdentityEventType[];
  identifiers: IdentifierExposure;
  /** Only in the answer that created the subscription: the key to verify `webhook-signature` with. */
  secret?: string;
  /** The last event turned into deliveries (a cursor of `GET …/events`). */
  position: string;
  createdAt: string;
  updatedAt: string;
}

interface SubscriptionRow {
  portfolio: string;
  name: string;
  url: string;
  types: IdentityEventType[];
  identifiers: IdentifierExposure;
  secret: string;
  positionTx: string;
  positionId: string;
  createdAt: Date;
  updatedAt: Date;
  created?: boolean;
}

const COLUMNS = `portfolio, name, url, types, identifiers, secret, position_tx::text AS "positionTx", position_id::text AS "positionId",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/**
 * A portfolio's event subscriptions. A new one starts at the newest event (it gets what happens
 * from then on; `GET …/events` has the past), and its secret is shown once, when it is created.
 */
@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async put(portfolio: string, name: string, body: PutSubscriptionDto): Promise<{ view: SubscriptionView; created: boolean }> {
    const problem = urlProblem(body.url, this.config.events);
    if (problem) throw AppError.invalidField('url', problem);
    const types = EVENT_TYPES.filter((type) => (body.types ?? EVENT_TYPES).includes(type));
    const [row] = await this.dataSource.query<SubscriptionRow[]>(
      `INSERT INTO event_subscription AS s (portfolio, name, url, types, identifiers, secret, position_tx, position_id)
       SELECT $1, $2, $3, $4, $5, $6, coalesce(max(tx), 0), coalesce(max(id), 0) FROM (
         SELECT tx, id FROM identity_event WHERE portfolio = $1 AND ${SETTLED} ORDER BY tx DESC, id DESC LIMIT 1) newest
       ON CONFLICT (portfolio, name) DO UPDATE SET url = excluded.url, types = excluded.types, identifiers = excluded.identifiers,
         updated_at = now()
       RETURNING ${COLUMNS}, (xmax = 0) AS created`,
      [portfolio, name, body.url, types, body.identifiers ?? 'full', newSecret()],
    );
    return { view: toSubscriptionView(row, row.created === true), created: row.created === true };
  }

  async list(portfolio: string): Promise<SubscriptionView[]> {
    const rows = await this.dataSource.query<SubscriptionRow[]>(
      `SELECT ${COLUMNS} FROM event_subscription WHERE portfolio = $1 ORDER BY name`,
      [portfolio],
    );
    return rows.map((row) => toSubscriptionView(row, false));
  }

  async get(portfolio: string, name: string): Promise<SubscriptionView> {
    const [row] = await this.dataSource.query<SubscriptionRow[]>(
      `SELECT ${COLUMNS} FROM event_subscription WHERE portfolio = $1 AND name = $2`,
      [portfolio, name],
    );
    if (!row) throw AppError.notFound(`No subscription ${name} in portfolio ${portfolio}`);
    return toSubscriptionView(row, false);
  }

  /** Deletes the subscription and its deliveries, sent or not. */
  async delete(portfolio: string, name: string): Promise<void> {
    const [row] = await this.dataSource.query<{ found: boolean }[]>(
      // Its deliveries go by the foreign key's cascade, also those a pass queues meanwhile.
      `WITH gone AS (DELETE FROM event_subscription WHERE portfolio = $1 AND name = $2 RETURNING 1)
       SELECT EXISTS (SELECT 1 FROM gone) AS found`,
      [portfolio, name],
    );
    if (!row.found) throw AppError.notFound(`No subscription ${name} in portfolio ${portfolio}`);
  }
}

function toSubscriptionView(row: SubscriptionRow, withSecret: boolean): SubscriptionView {
  return {
    portfolio: row.portfolio,
    name: row.name,
    url: row.url,
    types: row.types,
    identifiers: row.identifiers,
    ...(withSecret ? { secret: row.secret } : {}),
    position: formatCursor({ tx: row.positionTx, id: row.positionId }),
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}
