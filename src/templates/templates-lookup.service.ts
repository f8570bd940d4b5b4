import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { TemplateMatch, TemplateRef } from './domain/template-match';
import { TemplatesSyncService } from './templates-sync.service';
import { TemplatesService } from './templates.service';

/** A name the registry lacks sends the portfolio's registry to LINK at most this often. */
const REFRESH_INTERVAL_MS = 60_000;
/** Names remembered at most: past that, no refresh until older ones expire (bounded, and still closed). */
const MAX_REMEMBERED_NAMES = 10_000;

/** What the registry says of one template a request names, and whether LINK was asked about it. */
export interface TemplateLookup extends TemplateMatch {
  /** The name was unknown, and the registry was refreshed from LINK for it (by this request or one it waited for). */
  refreshTried: boolean;
  /** Why that refresh failed (LINK down, no credentials…): the template stays unknown. */
  refreshError?: string;
}

/**
 * The send pipeline's look-up of templates (DESIGN: Dedupe and enforcement). A name the registry
 * does not know may be a template created since the last sync, so the portfolio's registry is
 * refreshed from LINK's List Templates first: once at a time per portfolio (concurrent requests
 * wait for the same refresh), at most once a minute per name, each call bounded by LINK_TIMEOUT_MS.
 * The times are this replica's own. A refresh that fails leaves the template unknown: it never
 * fails the request.
 */
@Injectable()
export class TemplatesLookupService {
  private readonly logger = new Logger(TemplatesLookupService.name);
  /** When each (portfolio, name) last refreshed the registry, oldest first. */
  private readonly attempts = new Map<string, number>();
  /** The refresh under way per portfolio: its error message when it fails. */
  private readonly running = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly templates: TemplatesService,
    private readonly templatesSync: TemplatesSyncService,
  ) {}

  /** `refresh` says whether an unknown name would change anything (a caller sending only to phones needs none). */
  async lookup(portfolio: Portfolio, refs: TemplateRef[], refresh: boolean): Promise<TemplateLookup[]> {
    const matches = await this.templates.match(portfolio.key, refs);
    const unknown = matches.filter((match) => !match.known).map((match) => match.name);
    const refreshing = refresh && unknown.length > 0 ? this.refresh(portfolio, unknown) : undefined;
    if (!refreshing) return matches.map((match) => ({ ...match, refreshTried: false }));
    const error = await refreshing;
    const after = await this.templates.match(portfolio.key, refs);
    return after.map((match, index) => {
      const tried = !matches[index].known;
      return { ...match, refreshTried: tried, ...(tried && error !== undefined ? { refreshError: error } : {}) };
    });
  }

  /** The refresh this request waits for: one under way, or a new one when a name is due; none otherwise. */
  private refresh(portfolio: Portfolio, names: string[]): Promise<string | undefined> | undefined {
    const now = Date.now();
    this.forgetBefore(now - REFRESH_INTERVAL_MS);
    const due = names.filter((name) => this.remember(attemptKey(portfolio.key, name), now));
    const running = this.running.get(portfolio.key);
    if (running) return running;
    if (due.length === 0) return undefined;
    const started = this.templatesSync.sync(portfolio).then(
      () => undefined,
      (error: unknown) => {
        const message =
          error instanceof AppError ? error.message : `${(error as Error | undefined)?.name ?? 'Error'} while refreshing the registry`;
        this.logger.warn(`templates of ${portfolio.key} could not be refreshed for an unknown template: ${message}`);
        return message;
      },
    );
    const tracked = started.finally(() => this.running.delete(portfolio.key));
    this.running.set(portfolio.key, tracked);
    return tracked;
  }

  /** Notes an attempt for a key not tried within the interval; false when it was, or when memory is full. */
  private remember(key: string, now: number): boolean {
    if (this.attempts.has(key) || this.attempts.size >= MAX_REMEMBERED_NAMES) return false;
    this.attempts.set(key, now);
    return true;
  }

  /** Attempts are kept in the order they were made, so the expired ones are at the front. */
  private forgetBefore(time: number): void {
    for (const [key, at] of this.attempts) {
      if (at > time) break;
      this.attempts.delete(key);
    }
  }
}

function attemptKey(portfolio: string, name: string): string {
  return `${portfolio}\u0000${name}`;
}
