import type { IdentifierKind } from '../identifiers/domain/identifier';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Identifiers linked to contacts on one UTC day, by kind. */
export type LearnedDay = { day: string } & Record<IdentifierKind, number>;

export interface LearnedByDay {
  days: number;
  /** The first day counted (UTC). */
  since: string;
  items: LearnedDay[];
}

/** The first instant counted: midnight UTC, `days - 1` days before today. */
export function learnedSince(now: Date, days: number): Date {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today - (days - 1) * DAY_MS);
}

/** Every day from `since`, those without a row as zeros, so that a chart's days are evenly spaced. */
export function fillDays(since: Date, days: number, rows: LearnedDay[]): LearnedByDay {
  const byDay = new Map(rows.map((row) => [row.day, row]));
  const items = Array.from({ length: days }, (_, index) => {
    const day = new Date(since.getTime() + index * DAY_MS).toISOString().slice(0, 10);
    return byDay.get(day) ?? { day, msisdn: 0, bsuid: 0, parentBsuid: 0 };
  });
  return { days, since: since.toISOString().slice(0, 10), items };
}
