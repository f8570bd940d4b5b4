import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IDENTIFIER_KINDS, IdentifierKind } from '../identifiers/domain/identifier';

/** A BSUID change (Meta's system message): what the previous identifiers were told moves to the new ones. */
export interface ProfileMove {
  portfolio: string;
  from: { bsuid: string; parentBsuid?: string };
  to: { bsuid?: string; parentBsuid?: string };
}

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

/** Each fact of a row is kept only if it is the latest by event time: the same merge for a new fact and a moved one. */
const LATEST_WINS = `ON CONFLICT (portfolio, kind, value) DO UPDATE SET
  username = CASE WHEN (excluded.username_at >= user_profile.username_at) IS NOT FALSE AND excluded.username_at IS NOT NULL
                  THEN excluded.username ELSE user_profile.username END,
  username_at = GREATEST(user_profile.username_at, excluded.username_at),
  marketing_opted_out = CASE WHEN (excluded.marketing_at >= user_profile.marketing_at) IS NOT FALSE AND excluded.marketing_at IS NOT NULL
                             THEN excluded.marketing_opted_out ELSE user_profile.marketing_opted_out END,
  marketing_at = GREATEST(user_profile.marketing_at, excluded.marketing_at)`;

/**
 * Usernames and marketing choices, kept by the user's BSUID and parent BSUID (by the phone only
 * when Meta sent neither), the latest by event time winning whatever order they arrive in: a
 * redelivery or a late webhook changes nothing it should not. A phone number can pass to somebody
 * else; a BSUID cannot, and when it changes (`user_changed_number`, `user_changed_user_id`) the
 * facts of the previous BSUID and parent are copied to the new ones (`move`).
 */
@Injectable()
export class UserProfilesService {
  constructor(private readonly dataSource: DataSource) {}

  /** The facts, then the moves of the BSUID changes (idempotent: a redelivery or a retry moves nothing new). */
  async record(facts: ProfileFact[], moves: ProfileMove[] = []): Promise<void> {
    const rows = mergeFacts(facts);
    if (rows.length > 0) {
      await this.dataSource.query(
        `INSERT INTO user_profile (portfolio, kind, value, username, username_at, marketing_opted_out, marketing_at)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x("portfolio" text, "kind" text, "value" text, "username" text,
           "usernameAt" timestamptz, "marketingOptedOut" boolean, "marketingAt" timestamptz)
         ${LATEST_WINS}`,
        [JSON.stringify(rows)],
      );
    }
    const targets = moveTargets(moves);
    if (targets.length === 0) return;
    // Each new identifier takes the latest username and the latest marketing choice among the previous ones.
    await this.dataSource.query(
      `INSERT INTO user_profile (portfolio, kind, value, username, username_at, marketing_opted_out, marketing_at)
       SELECT x.portfolio, x.kind, x.value, u.username, u.username_at, m.marketing_opted_out, m.marketing_at
       FROM jsonb_to_recordset($1::jsonb) AS x("portfolio" text, "kind" text, "value" text, "bsuids" text[], "parents" text[])
       LEFT JOIN LATERAL (
         SELECT p.username, p.username_at FROM user_profile p
         WHERE p.portfolio = x.portfolio AND p.username_at IS NOT NULL
           AND ((p.kind = 'bsuid' AND p.value = ANY(x.bsuids)) OR (p.kind = 'parentBsuid' AND p.value = ANY(x.parents)))
         ORDER BY p.username_at DESC LIMIT 1) u ON true
       LEFT JOIN LATERAL (
         SELECT p.marketing_opted_out, p.marketing_at FROM user_profile p
         WHERE p.portfolio = x.portfolio AND p.marketing_at IS NOT NULL
           AND ((p.kind = 'bsuid' AND p.value = ANY(x.bsuids)) OR (p.kind = 'parentBsuid' AND p.value = ANY(x.parents)))
         ORDER BY p.marketing_at DESC LIMIT 1) m ON true
       WHERE u.username_at IS NOT NULL OR m.marketing_at IS NOT NULL
       ${LATEST_WINS}`,
      [JSON.stringify(targets)],
    );
  }
}

/** One target row per new identifier, with every previous BSUID and parent it takes from. */
function moveTargets(
  moves: ProfileMove[],
): { portfolio: string; kind: IdentifierKind; value: string; bsuids: string[]; parents: string[] }[] {
  const targets = new Map<string, { portfolio: string; kind: IdentifierKind; value: string; bsuids: string[]; parents: string[] }>();
  for (const move of moves) {
    for (const kind of ['bsuid', 'parentBsuid'] as const) {
      const value = move.to[kind];
      if (value === undefined) continue;
      const key = `${move.portfolio}\u0000${kind}\u0000${value}`;
      const target = targets.get(key) ?? { portfolio: move.portfolio, kind, value, bsuids: [], parents: [] };
      target.bsuids.push(move.from.bsuid);
      if (move.from.parentBsuid !== undefined) target.parents.push(move.from.parentBsuid);
      targets.set(key, target);
    }
  }
  return [...targets.values()];
}

/** The identifiers a fact is kept by: the BSUID and parent, or the phone when Meta sent neither. */
function keysOf(fact: ProfileFact): IdentifierKind[] {
  const byBsuid = IDENTIFIER_KINDS.filter((kind) => kind !== 'msisdn' && fact.ids[kind] !== undefined);
  return byBsuid.length > 0 ? byBsuid : fact.ids.msisdn !== undefined ? ['msisdn'] : [];
}

/** One row per identifier: a statement may not update a row twice. */
function mergeFacts(facts: ProfileFact[]): Row[] {
  const rows = new Map<string, Row>();
  for (const fact of facts) {
    for (const kind of keysOf(fact)) {
      const value = fact.ids[kind] as string;
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
