import { Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { Principal } from '../auth/api-keys.service';
import { AppError } from '../common/errors/app-error';
import { contentTypeOf } from '../common/http/pass-through-body';
import { AppConfig } from '../config/app-config';
import { LinkClient } from '../link/link.client';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { PortfoliosService } from '../portfolios/portfolios.service';
import { TemplatesLearningService } from '../templates/templates-learning.service';
import { combineTargets, LinkCall, readFieldsTarget, readLinkPath } from './domain/link-route';
import { headersFromLink, headersToLink } from './domain/pass-through-headers';
import { readPassThroughBody } from './link-pass-through-body';
import { senderPortfolio } from './sender-portfolio';

/** Where the LINK API is served here: `/link/messages` is LINK's `/messages`, and so on. */
export const PASS_THROUGH_PREFIX = '/link';

/**
 * Every LINK call but POST /messages, passed through as the caller made it (method, path, query,
 * body, status, headers), bodies and answers streaming both ways; only the credentials change: the
 * caller's key out, the portfolio's LINK credentials in. The portfolio is the one owning the
 * business number the call names (path, body, form fields or query), which the key must reach.
 * Nothing reaches LINK before that check. Sent once, never retried. A template created, updated or
 * deleted through it teaches the registry before the answer goes back.
 */
@Injectable()
export class LinkPassThroughService {
  private readonly logger = new Logger(LinkPassThroughService.name);

  constructor(
    private readonly portfolios: PortfoliosService,
    private readonly link: LinkClient,
    private readonly learning: TemplatesLearningService,
    private readonly config: AppConfig,
  ) {}

  async forward(principal: Principal, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    try {
      await this.pass(principal, request, reply);
    } catch (error) {
      // What the caller still sends is read and dropped, so that it hears the error rather than waiting to send.
      if (!request.raw.readableEnded) request.raw.resume();
      throw error;
    }
  }

  private async pass(principal: Principal, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const pathAndQuery = request.url.slice(PASS_THROUGH_PREFIX.length) || '/';
    const [path, query = ''] = splitOnce(pathAndQuery, '?');
    const { target: pathTarget, call } = readLinkPath(request.method, path);
    const body = await readPassThroughBody(request.raw, contentTypeOf(request), {
      readBytes: this.config.bodyLimitBytes,
      streamBytes: this.config.passThroughBodyLimitBytes,
    });
    // A body meant as JSON that is not may still be LINK's to judge, unless the service needs it to tell the account.
    if (body.unreadable && Object.keys(pathTarget).length === 0) throw AppError.invalidJson();
    const target = combineTargets([
      { where: 'the path', target: pathTarget },
      { where: 'the body', target: body.target },
      { where: 'the query', target: readFieldsTarget(new URLSearchParams(query)) },
    ]);
    const { portfolio } = await senderPortfolio(this.portfolios, principal, target);
    const contentType = contentTypeOf(request);
    const answer = await this.link.passThrough(portfolio, {
      method: request.method,
      pathAndQuery,
      headers: { ...headersToLink(request.headers), ...(contentType === undefined ? {} : { 'content-type': contentType }) },
      head: body.head,
      rest: body.rest?.(target),
    });
    const status = answer.statusCode ?? 502;
    void reply.status(status).headers(headersFromLink(answer.headers));
    if (call.kind === 'other' || status < 200 || status >= 300) return void reply.send(answer);
    const text = await readAnswer(answer, this.config.bodyLimitBytes);
    await this.learn(portfolio, call, body.json, text);
    return void reply.send(text);
  }

  /**
   * LINK accepted a template call: the registry learns it before the caller hears of it, so that a
   * send right after is checked against it. A registry that cannot be written is logged, never
   * answered: LINK has done it, and the next sync (or the send pipeline's refresh) catches up.
   */
  private async learn(portfolio: Portfolio, call: LinkCall, request: unknown, answer: Buffer): Promise<void> {
    const response = parseAnswer(answer);
    try {
      if (call.kind === 'createTemplate') await this.learning.created(portfolio.key, request, response);
      if (call.kind === 'updateTemplate') await this.learning.updated(portfolio.key, call.templateId, request, response);
      if (call.kind === 'deleteTemplate') await this.learning.deleted(portfolio.key, call.templateId, call.templateName);
    } catch (error) {
      this.logger.error(`the registry of ${portfolio.key} did not learn a template call LINK accepted: ${(error as Error).message}`);
    }
  }
}

/** LINK's answer to a template call, read whole: it is small, and the registry learns from it first. */
function readAnswer(answer: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    answer.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return void answer.destroy(AppError.badGateway(`LINK answered a template call with more than ${limit} bytes`));
      chunks.push(chunk);
    });
    answer.on('error', (error) => reject(error instanceof AppError ? error : AppError.gatewayTimeout('LINK cut its answer short')));
    answer.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

function parseAnswer(answer: Buffer): unknown {
  try {
    return answer.length === 0 ? undefined : (JSON.parse(answer.toString('utf8')) as unknown);
  } catch {
    return undefined;
  }
}

function splitOnce(text: string, separator: string): [string, string?] {
  const at = text.indexOf(separator);
  return at === -1 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}
