import type { DataSourceOptions } from 'typeorm';
import { Portfolios1764100000000 } from '../../migrations/1764100000000-Portfolios';
import { ContactGraph1764100001000 } from '../../migrations/1764100001000-ContactGraph';
import { WebhookReceipts1764100002000 } from '../../migrations/1764100002000-WebhookReceipts';
import { ContactAdmin1764100003000 } from '../../migrations/1764100003000-ContactAdmin';
import { Templates1764100004000 } from '../../migrations/1764100004000-Templates';
import { PastBsuids1764100005000 } from '../../migrations/1764100005000-PastBsuids';
import { SendPolicies1764100006000 } from '../../migrations/1764100006000-SendPolicies';
import { ForeignBsuids1764100007000 } from '../../migrations/1764100007000-ForeignBsuids';
import { UnknownTemplates1764100008000 } from '../../migrations/1764100008000-UnknownTemplates';
import { SentMessages1764100009000 } from '../../migrations/1764100009000-SentMessages';
import { ContactBook1764100010000 } from '../../migrations/1764100010000-ContactBook';
import { ObservationLog1764100011000 } from '../../migrations/1764100011000-ObservationLog';
import { ContactKeysLeadWithValue1764100012000 } from '../../migrations/1764100012000-ContactKeysLeadWithValue';
import { LinkPassThrough1764100013000 } from '../../migrations/1764100013000-LinkPassThrough';
import { MetaWebhooks1764100014000 } from '../../migrations/1764100014000-MetaWebhooks';
import { MarketingOptOutOffByDefault1764100014100 } from '../../migrations/1764100014100-MarketingOptOutOffByDefault';
import { ContactBookEntry } from '../graph/contact-book-entry.entity';
import { ContactExchange } from '../graph/contact-exchange.entity';
import { Contact } from '../graph/contact.entity';
import { GraphObservation } from '../graph/graph-observation.entity';
import { LinkConflict } from '../graph/link-conflict.entity';
import { LinkHistory } from '../graph/link-history.entity';
import { UserProfile } from '../graph/user-profile.entity';
import { WebhookReceipt } from '../graph/webhook-receipt.entity';
import { BusinessNumber } from '../portfolios/business-number.entity';
import { Portfolio } from '../portfolios/portfolio.entity';
import { SentMessage } from '../sent-messages/sent-message.entity';
import { Template } from '../templates/template.entity';

export const ENTITIES = [
  Portfolio,
  BusinessNumber,
  Contact,
  ContactExchange,
  LinkHistory,
  LinkConflict,
  WebhookReceipt,
  GraphObservation,
  Template,
  SentMessage,
  ContactBookEntry,
  UserProfile,
];

/** Listed as classes, not globs, so that they load the same under ts-jest and compiled. */
export const MIGRATIONS = [
  Portfolios1764100000000,
  ContactGraph1764100001000,
  WebhookReceipts1764100002000,
  ContactAdmin1764100003000,
  Templates1764100004000,
  PastBsuids1764100005000,
  SendPolicies1764100006000,
  ForeignBsuids1764100007000,
  UnknownTemplates1764100008000,
  SentMessages1764100009000,
  ContactBook1764100010000,
  ObservationLog1764100011000,
  ContactKeysLeadWithValue1764100012000,
  LinkPassThrough1764100013000,
  MetaWebhooks1764100014000,
  MarketingOptOutOffByDefault1764100014100,
];

/**
 * The one set of TypeORM options for the app, the CLI and the tests. `extra` carries the pool
 * settings, or PGlite's node-postgres adapter for the embedded database.
 */
export function dataSourceOptions(url: string | undefined, extra: Record<string, unknown> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    // Contact ids default to gen_random_uuid(), built into PostgreSQL 13 and later. Without these two lines, the
    // entity's generated uuid would make TypeORM install uuid-ossp at every connect and write uuid_generate_v4().
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    // Off: TypeORM would log a failed query with its parameters, which hold phone numbers and BSUIDs.
    logging: false,
    extra: { max: 16, connectionTimeoutMillis: 5_000, ...extra },
  };
}
