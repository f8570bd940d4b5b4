import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IDENTIFIER_KINDS, IdentifierKind } from '../identifiers/domain/identifier';

/** One thing a user told Meta, with the identifiers it came with. */
export interface ProfileFact {
  portfolio: string;
  ids: Partial<Record<IdentifierKind, string>>;
  at: Date;
  /** The username the user chose to show. */
  username?: string;
  /** `true` for a stop of marketing messages, `false` for a resume. */
  marketingOptedOut?: boolean;
}

interface Row {
  portfolio: string;
  kind: IdentifierKind;
  value: string;
  username: string | null;
  usernameAt: Date | null;
  marketingOptedOut: boolean | null;
  marketingAt: Date | null;
}

/**
 * Usernames and marketing choices, per identifier, the latest by event time winning whatever
 * order they arrive in: a redelivery or a late webhook changes nothing it should not.
 */
@Injectable()
export class UserProfilesService {
  constructor(private readonly dataSource: DataSource) {}

  async record(facts: ProfileFact[]): Promise<void> {
    const rows = mergeFacts(facts);
    if (rows.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO user_profile (portfolio, kind, value, username, username_at, marketing_opted_out, marketing_at)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x("portfolio" text, "kind" text, "value" text, "username" text,
         "usernameAt" timestamptz, "marketingOptedOut" boolean, "marketingAt" timestamptz)
       ON CONFLICT (portfolio, kind, value) DO UPDATE SET
         username = CASE WHEN (excluded.username_at >= user_profile.username_at) IS NOT FALSE AND excluded.username_at IS NOT NULL
                         THEN excluded.username ELSE user_profile.username END,
         username_at = GREATEST(user_profile.username_at, excluded.username_at),
         marketing_opted_out = CASE WHEN (excluded.marketing_at >= user_profile.marketing_at) IS NOT FALSE AND excluded.marketing_at IS NOT NULL
                                    THEN excluded.marketing_opted_out ELSE user_profile.marketing_opted_out END,
         marketing_at = GREATEST(user_profile.marketing_at, excluded.marketing_at)`,
      [JSON.stringify(rows)],
    );
  }
}

/** One row per identifier: a statement may not update a row twice. */
function mergeFacts(facts: ProfileFact[]): Row[] {
  const rows = new Map<string, Row>();
  for (const fact of facts) {
    for (const kind of IDENTIFIER_KINDS) {
      const value = fact.ids[kind];
      if (value === undefined) continue;
      const key = `${fact.portfolio}\u0000${kind}\u0000${value}`;
      const row = rows.get(key) ?? {
        portfolio: fact.portfolio,
        kind,
        value,
        username: null,
        usernameAt: null,
        marketingOptedOut: null,
        marketingAt: null,
      };
      if (fact.username !== undefined && (row.usernameAt === null || fact.at >= row.usernameAt)) {
        row.username = fact.username;
        row.usernameAt = fact.at;
      }
      if (fact.marketingOptedOut !== undefined && (row.marketingAt === null || fact.at >= row.marketingAt)) {
        row.marketingOptedOut = fact.marketingOptedOut;
        row.marketingAt = fact.at;
      }
      rows.set(key, row);
    }
  }
  return [...rows.values()];
}
