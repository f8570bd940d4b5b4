import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { ResultCode } from '../common/errors/result-code';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../observability/metrics.service';
import type { Portfolio } from '../portfolios/portfolio.entity';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { exchange, LinkAnswer } from './link-http';
import { streamExchange } from './link-stream';

/** A call of LINK's API passed through as the caller made it: only the credentials are the portfolio's. */
export interface PassThroughCall {
  method: string;
  /** Path and query below LINK's base URL, as the caller wrote them. */
  pathAndQuery: string;
  /** The caller's headers to send on, without its credentials. */
  headers: OutgoingHttpHeaders;
  head?: Buffer;
  rest?: Readable;
}

/**
 * LINK's WhatsApp message API, over kept-alive connections (`link-http.ts`). Every call is bounded
 * by LINK_TIMEOUT_MS (answer included) and fails as an AppError: 502 when LINK answers an error or
 * something unreadable, 504 when it cannot be reached or is too slow. Credentials and bodies are
 * never logged.
 */
@Injectable()
export class LinkClient {
  private readonly logger = new Logger(LinkClient.name);

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  /** List Templates of one business number: Meta's template list, as LINK passes it on. */
  async listTemplates(portfolio: Portfolio, source: string): Promise<unknown> {
    const { platformId, platformPartnerId } = portfolio;
    if (!platformId || !platformPartnerId) {
      throw AppError.conflict(
        `Portfolio ${portfolio.key} has no LINK platformId and platformPartnerId: set them with PUT /v1/portfolios/${portfolio.key}`,
      );
    }
    const path = `/platformId/${segment(platformId)}/platformPartnerId/${segment(platformPartnerId)}/source/${segment(source)}/templates`;
    return this.request('list_templates', portfolio, 'GET', path, `List Templates of ${source}`);
  }

  /**
   * LINK's POST /messages, sent once. LINK's answer comes back as it is, error statuses included.
   * Never retried: once the request may have reached LINK, a timeout or a lost connection leaves
   * the outcome unknown (504), and only a connection that was never made means nothing was sent.
   */
  async sendMessages(portfolio: Portfolio, request: unknown): Promise<{ status: number; body: unknown }> {
    const headers = { authorization: this.basicAuth(portfolio), accept: 'application/json', 'content-type': 'application/json' };
    let answer: LinkAnswer;
    try {
      // A redirect is LINK's answer, never followed: it would post the messages a second time, maybe elsewhere.
      answer = await this.timed(
        'send_messages',
        `${this.config.linkBaseUrl.replace(/\/+$/, '')}/messages`,
        'POST',
        headers,
        JSON.stringify(request),
      );
    } catch (error) {
      throw this.sendFailed(error);
    }
    const { status, text } = answer;
    try {
      return { status, body: text === '' ? null : JSON.parse(text) };
    } catch {
      // Queued all the same when the status says so: the caller must not send again.
      if (isOk(status)) return { status, body: null };
      return {
        status,
        body: { resultCode: ResultCode.UpstreamFailed, description: `LINK answered ${status}`, translatedDescription: null },
      };
    }
  }

  /**
   * Any other call of LINK's API, passed through once with the portfolio's credentials: resolves with
   * LINK's answer as soon as its headers arrive, whatever its status, the body streaming both ways.
   * Fails as POST /messages does: 502 when no connection was made (nothing reached LINK), 504 when
   * LINK went silent or dropped the connection (the outcome is unknown). An error the body stream
   * failed with (an AppError of the caller's body) is thrown as it is.
   */
  async passThrough(portfolio: Portfolio, call: PassThroughCall): Promise<IncomingMessage> {
    const headers = { ...call.headers, authorization: this.basicAuth(portfolio) };
    const url = new URL(this.config.linkBaseUrl.replace(/\/+$/, '') + call.pathAndQuery);
    const what = `${call.method} ${call.pathAndQuery.split('?')[0]}`;
    try {
      return await this.metrics.timeLink(
        'pass_through',
        () => streamExchange(url, { method: call.method, headers, head: call.head, rest: call.rest, timeoutMs: this.config.linkTimeoutMs }),
        ({ statusCode }) => String(statusCode ?? 0),
        (error) => (isTimeout(error) ? 'timeout' : 'unreachable'),
      );
    } catch (error) {
      const cause = (error as { cause?: unknown } | undefined)?.cause;
      if (cause instanceof AppError) throw cause;
      throw this.sendFailed(error, what, 'the call');
    }
  }

  private sendFailed(error: unknown, what = 'POST /messages', subject = 'the messages'): AppError {
    const code = (error as { cause?: { code?: string } } | undefined)?.cause?.code;
    if (code && NEVER_CONNECTED.has(code)) {
      this.logger.warn(`LINK could not be reached for ${what} (${code}): nothing was sent`);
      return AppError.badGateway(`LINK could not be reached (${code}): nothing was sent; it is safe to send again`);
    }
    const why = isTimeout(error)
      ? `did not answer within ${this.config.linkTimeoutMs} ms`
      : `closed the connection (${code ?? 'no answer'})`;
    this.logger.warn(`LINK ${why} on ${what}: outcome unknown`);
    const outcome =
      subject === 'the messages' ? 'the messages may or may not have been sent' : `${subject} may or may not have reached LINK`;
    return AppError.gatewayTimeout(
      `LINK ${why}: ${outcome}; check before ${subject === 'the messages' ? 'sending them' : 'making it'} again`,
    );
  }

  /** One HTTP exchange with LINK, answer read in full within LINK_TIMEOUT_MS, counted by operation and outcome. */
  private timed(operation: string, url: string, method: string, headers: Record<string, string>, body?: string): Promise<LinkAnswer> {
    return this.metrics.timeLink(
      operation,
      () => exchange(new URL(url), { method, headers, body, timeoutMs: this.config.linkTimeoutMs }),
      ({ status }) => String(status),
      (error) => (isTimeout(error) ? 'timeout' : 'unreachable'),
    );
  }

  private async request(
    operation: string,
    portfolio: Portfolio,
    method: string,
    path: string,
    what: string,
    body?: unknown,
  ): Promise<unknown> {
    const headers: Record<string, string> = { authorization: this.basicAuth(portfolio), accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let answer: LinkAnswer;
    try {
      const url = this.config.linkBaseUrl.replace(/\/+$/, '') + path;
      answer = await this.timed(operation, url, method, headers, body === undefined ? undefined : JSON.stringify(body));
    } catch (error) {
      throw this.unreachable(error, what);
    }
    const { status, text } = answer;
    if (!isOk(status)) throw this.failed(status, text, what);
    try {
      return text === '' ? null : JSON.parse(text);
    } catch {
      throw AppError.badGateway(`LINK answered ${what} with ${status} and a body that is not JSON`);
    }
  }

  /** The portfolio's own LINK credentials, else the service's (LINK_USERNAME/LINK_PASSWORD). */
  private basicAuth(portfolio: Portfolio): string {
    const [username, password] =
      portfolio.linkUsername && portfolio.linkPassword
        ? [portfolio.linkUsername, portfolio.linkPassword]
        : [this.config.linkUsername, this.config.linkPassword];
    if (!username || !password) {
      throw AppError.conflict(
        `No LINK credentials for portfolio ${portfolio.key}: give it upstream credentials, or set LINK_USERNAME and LINK_PASSWORD`,
      );
    }
    return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }

  private failed(status: number, text: string, what: string): AppError {
    const resultCode = readResultCode(text);
    this.logger.warn(`LINK answered ${what} with ${status}${resultCode ? ` resultCode ${resultCode}` : ''}`);
    return AppError.badGateway(`LINK answered ${what} with ${status}${resultCode ? ` (resultCode ${resultCode})` : ''}`);
  }

  private unreachable(error: unknown, what: string): AppError {
    if (isTimeout(error)) {
      this.logger.warn(`LINK did not answer ${what} within ${this.config.linkTimeoutMs} ms`);
      return AppError.gatewayTimeout(`LINK did not answer ${what} within ${this.config.linkTimeoutMs} ms; retry later`);
    }
    // Network failures come with the socket's error as their cause.
    const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error | undefined)?.message ?? 'unknown error';
    this.logger.warn(`LINK could not be reached for ${what}: ${reason}`);
    return AppError.gatewayTimeout(`LINK could not be reached for ${what} (${reason}); retry later`);
  }
}

function isOk(status: number): boolean {
  return status >= 200 && status < 300;
}

/** The call gave up at LINK_TIMEOUT_MS. */
function isTimeout(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

/** Network errors raised before a connection existed: the request cannot have reached LINK. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** A path segment: encoded, but a business number keeps its "+" as LINK writes it. */
function segment(value: string): string {
  return encodeURIComponent(value).replace(/%2B/gi, '+');
}

/** LINK's ErrorResponse `resultCode`, when the error body is one. */
function readResultCode(text: string): number | undefined {
  try {
    const code = (JSON.parse(text) as { resultCode?: unknown } | null)?.resultCode;
    return typeof code === 'number' || (typeof code === 'string' && /^\d+$/.test(code)) ? Number(code) : undefined;
  } catch {
    return undefined;
  }
}
