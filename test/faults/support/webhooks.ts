/**
 * Webhooks with a distinct phone and BSUID each, so that each is checkable in the database, and a
 * sender that streams them at a steady rate from several concurrent workers and resends every one
 * answered 503 or lost to a connection error until it is answered 2xx (as LINK does).
 */
import type { Agent } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Answer, parseJson, send } from './http';
import { sleep, WEBHOOK_AUTH } from './service';

/** acme's business number in the e2e suites, and the destination of LINK's MO fixtures. */
export const BUSINESS_NUMBER = '+46000000000';

const MO_FIXTURE = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'link', 'mo-01-text-msisdn.json'), 'utf8')) as Record<
  string,
  unknown
>;

export interface Identity {
  phone: string;
  bsuid: string;
  messageId: string;
}

/** Webhook `index` of a `series` (0–9): a Swedish mobile number, a BSUID and a messageId of its own. */
export function identity(series: number, index: number): Identity {
  const serial = String(series * 1_000_000 + index).padStart(7, '0');
  return { phone: `+4670${serial}`, bsuid: `SE.9${serial}000${series}`, messageId: `faults-${series}-${index}` };
}

/** An MO from the phone carrying its BSUID, as test/support/link-builders.ts `mo()` builds it on LINK's text example. */
export function moBody(id: Identity): Record<string, unknown> {
  return {
    ...MO_FIXTURE,
    destination: BUSINESS_NUMBER,
    source: id.phone,
    customParameters: { whatsappUserId: id.bsuid },
    messageId: id.messageId,
    timestamp: '2026-06-01T10:00:00Z',
  };
}

/** The receipt key the service stores for an MO (src/webhooks/domain/link-event.ts). */
export const receiptKey = (id: Identity) => `mo:${id.messageId}`;

export interface Attempt {
  index: number;
  sentAt: number;
  answeredAt: number;
  status?: number;
  /** The ack's `status` on 2xx (`applied`, `duplicate`), LINK's resultCode otherwise. */
  detail?: string;
  body?: string;
  error?: string;
}

export interface StreamOptions {
  port: number;
  series: number;
  concurrency: number;
  /** New webhooks per second. */
  ratePerSecond: number;
  /** The first index of new webhooks (indexes below are earlier rounds'). */
  firstIndex?: number;
  /** Indexes of earlier webhooks to resend first (not answered 2xx before). */
  resend?: number[];
  /** How long to wait before resending a webhook answered 503 or lost. */
  retryDelayMs?: number;
  agent?: Agent;
}

/** LINK's ErrorResponse for "retry later". */
export function isRetryLaterBody(body: string): boolean {
  const parsed = parseJson(body);
  return (
    parsed !== undefined &&
    parsed.resultCode === 112903 &&
    typeof parsed.description === 'string' &&
    parsed.description.length > 0 &&
    parsed.translatedDescription === null
  );
}

export class WebhookStream {
  readonly attempts: Attempt[] = [];
  /** Index → the ack status of its 2xx answer. */
  readonly delivered = new Map<number, string>();
  /** Webhooks answered something that is neither 2xx nor 503, or 503 without LINK's body: never resent. */
  readonly failed = new Map<number, Attempt>();
  private readonly retry: { index: number; at: number }[] = [];
  private readonly inFlight = new Set<number>();
  private next: number;
  private generated = 0;
  private generating = true;
  private aborted = false;
  private readonly workers: Promise<void>[] = [];
  private readonly startedAt = Date.now();
  private readonly known = new Set<number>();

  constructor(private readonly options: StreamOptions) {
    this.next = options.firstIndex ?? 0;
    for (const index of options.resend ?? []) {
      this.retry.push({ index, at: 0 });
      this.known.add(index);
    }
    for (let w = 0; w < options.concurrency; w++) this.workers.push(this.work());
  }

  /** Stops creating new webhooks; those already created are still sent until delivered. */
  stopGenerating(): void {
    this.generating = false;
  }

  /** Stops sending at once (the service was killed): requests in flight end as they end. */
  abort(): void {
    this.generating = false;
    this.aborted = true;
  }

  /** Every index created (or given to resend) so far. */
  indexes(): number[] {
    return [...this.known].sort((a, b) => a - b);
  }

  /** Indexes not answered 2xx (nor failed for good). */
  undelivered(): number[] {
    return this.indexes().filter((index) => !this.delivered.has(index) && !this.failed.has(index));
  }

  /** Waits until every webhook created is delivered or failed for good (after `stopGenerating`). */
  async finish(timeoutMs: number): Promise<void> {
    this.stopGenerating();
    const deadline = Date.now() + timeoutMs;
    while (this.undelivered().length > 0 && Date.now() < deadline) await sleep(50);
    const left = this.undelivered().length;
    this.aborted = true;
    await Promise.all(this.workers);
    if (left > 0) throw new Error(`${left} webhooks still not answered 2xx after ${timeoutMs} ms; ${this.summary()}`);
  }

  /** Ends the workers after `abort()`, once their requests in flight have ended. */
  async settled(): Promise<void> {
    this.aborted = true;
    await Promise.all(this.workers);
  }

  stats() {
    const count = (predicate: (attempt: Attempt) => boolean) => this.attempts.filter(predicate).length;
    const perIndex = new Map<number, number>();
    for (const attempt of this.attempts) perIndex.set(attempt.index, (perIndex.get(attempt.index) ?? 0) + 1);
    return {
      webhooks: this.known.size,
      requests: this.attempts.length,
      ok2xx: count((a) => a.status !== undefined && a.status >= 200 && a.status < 300),
      applied: count((a) => a.detail === 'applied'),
      duplicate: count((a) => a.detail === 'duplicate'),
      s503: count((a) => a.status === 503),
      connectionErrors: count((a) => a.error !== undefined),
      other: count((a) => a.status !== undefined && a.status !== 503 && (a.status < 200 || a.status >= 300)),
      resentWebhooks: [...perIndex.values()].filter((n) => n > 1).length,
      delivered: this.delivered.size,
      failed: this.failed.size,
      inFlight: this.inFlight.size,
    };
  }

  summary(): string {
    const failed = [...this.failed.values()].slice(0, 3).map((a) => `#${a.index}: ${a.status ?? a.error} ${a.body?.slice(0, 200) ?? ''}`);
    const errors = [...new Set(this.attempts.filter((a) => a.error).map((a) => a.error))].slice(0, 5);
    return `${JSON.stringify(this.stats())}${failed.length ? `; failed: ${failed.join(' | ')}` : ''}${errors.length ? `; connection errors: ${errors.join(', ')}` : ''}`;
  }

  /** The next webhook to send: a due resend first, else a new one when the rate allows. */
  private take(): number | undefined {
    const now = Date.now();
    const due = this.retry.findIndex((r) => r.at <= now);
    if (due >= 0) return this.retry.splice(due, 1)[0].index;
    if (this.generating && this.generated < ((now - this.startedAt) * this.options.ratePerSecond) / 1000) {
      this.generated++;
      const index = this.next++;
      this.known.add(index);
      return index;
    }
    return undefined;
  }

  private async work(): Promise<void> {
    while (!this.aborted) {
      const index = this.take();
      if (index === undefined) {
        await sleep(5);
        continue;
      }
      this.inFlight.add(index);
      const attempt: Attempt = { index, sentAt: Date.now(), answeredAt: 0 };
      let answer: Answer | undefined;
      try {
        answer = await send(this.options.port, 'POST', '/webhooks/link/mo', WEBHOOK_AUTH, moBody(identity(this.options.series, index)), {
          agent: this.options.agent,
          timeoutMs: 30_000,
        });
      } catch (error) {
        attempt.error = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      }
      attempt.answeredAt = Date.now();
      this.inFlight.delete(index);
      this.attempts.push(attempt);
      if (answer) {
        attempt.status = answer.status;
        const parsed = parseJson(answer.body);
        attempt.detail = answer.status < 300 ? parsed?.status : String(parsed?.resultCode);
        if (answer.status >= 200 && answer.status < 300) {
          this.delivered.set(index, String(parsed?.status));
          continue;
        }
        attempt.body = answer.body;
        if (answer.status !== 503 || !isRetryLaterBody(answer.body)) {
          this.failed.set(index, attempt);
          continue;
        }
      }
      if (!this.aborted) this.retry.push({ index, at: Date.now() + (this.options.retryDelayMs ?? 100) });
    }
  }
}
