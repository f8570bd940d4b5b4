import { Injectable } from '@nestjs/common';
import { Principal } from '../auth/api-keys.service';
import { AppError } from '../common/errors/app-error';
import { ContactsDirectoryService } from '../contacts/contacts-directory.service';
import { Identifier, tryParseIdentifier } from '../identifiers/domain/identifier';
import { MetricsService } from '../observability/metrics.service';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { PortfoliosService } from '../portfolios/portfolios.service';
import { TemplateLookup, TemplatesLookupService } from '../templates/templates-lookup.service';
import { DestinationReport, Plan, planDestinations, PlanOptions } from './domain/destination-plan';
import { checkMessageRequest, MessageRequest, readMessageKinds } from './domain/message-request';
import { DedupeQueryDto } from './dto/dedupe-query.dto';
import { senderPortfolio } from './sender-portfolio';

/** A template of the request: whether the registry knows its (trimmed) name, its category, and whether LINK was asked. */
export type TemplateReport = TemplateLookup;

export interface DedupeResult {
  /** The request ready to post to LINK: destinations deduped and rewritten, everything else as sent. */
  request: MessageRequest;
  /** One entry per input destination, in input order. */
  destinations: DestinationReport[];
  templates: TemplateReport[];
  portfolio: string;
}

/** A planned send: what the proxy forwards, and where each input destination went. */
export interface PlannedSend extends DedupeResult {
  plan: Plan;
  owner: Portfolio;
  /** The business number, in its canonical form. */
  source: string;
}

/**
 * The send pipeline's rules on one MessageRequest: the portfolio from its source, the templates
 * from the registry, every destination looked up at once, then the pure plan.
 */
@Injectable()
export class DedupeService {
  constructor(
    private readonly portfolios: PortfoliosService,
    private readonly directory: ContactsDirectoryService,
    private readonly templates: TemplatesLookupService,
    private readonly metrics: MetricsService,
  ) {}

  async dedupe(principal: Principal, body: unknown, query: DedupeQueryDto): Promise<DedupeResult> {
    const { plan: _, owner: __, source: ___, ...result } = await this.plan(principal, body, query);
    return result;
  }

  async plan(principal: Principal, body: unknown, query: DedupeQueryDto): Promise<PlannedSend> {
    const { request, source, portfolio } = await this.readRequest(principal, body);
    const region = this.portfolios.regionFor(portfolio, source);
    const parsed = request.destinations.map((raw) => tryParseIdentifier(raw, region));
    const kinds = readMessageKinds(request.messages);
    // Templates fail closed (DESIGN: Dedupe and enforcement): an unknown name asks LINK first, unless only phones would be sent to.
    const failClosed = portfolio.unknownTemplates === 'phone-or-reject';
    const toBsuids = parsed.some((result) => result.ok && result.identifier.kind !== 'msisdn');
    const templates = await this.templates.lookup(portfolio, kinds.templates, failClosed && toBsuids);
    const identifiers = parsed.flatMap((result): Identifier[] => (result.ok ? [result.identifier] : []));
    const skipMarketingOptOut =
      (query.skipMarketingOptOut ?? portfolio.skipMarketingOptOut) && templates.some((template) => template.category === 'MARKETING');
    const directory = await this.directory.directoryFor(portfolio, identifiers, skipMarketingOptOut);
    const options: PlanOptions = {
      region,
      prefer: query.prefer,
      authentication: templates.some((template) => template.category === 'AUTHENTICATION'),
      unknownTemplate: failClosed && templates.some((template) => !template.known),
      freeForm: kinds.freeForm,
      // The request's own choice, else the portfolio's.
      careWindowPolicy: query.careWindow ?? portfolio.enforceCareWindow,
      skipInvalidPolicy: query.skipInvalid ?? portfolio.skipInvalidContacts,
      skipMarketingOptOut,
      now: new Date(),
    };
    const plan = planDestinations(request.destinations, directory, options, parsed);
    this.count(plan.report);
    if (plan.destinations.length === 0) throw nothingToSend(plan.report);
    const result = {
      request: { ...request, destinations: plan.destinations },
      destinations: plan.report,
      templates,
      portfolio: portfolio.key,
    };
    return { ...result, plan, owner: portfolio, source };
  }

  /** The request, checked, and the portfolio its source belongs to, which the key must reach and whose platform it must name. */
  private async readRequest(
    principal: Principal,
    body: unknown,
  ): Promise<{ request: MessageRequest; source: string; portfolio: Portfolio }> {
    const problems = checkMessageRequest(body);
    if (problems.length > 0) throw AppError.validation(problems);
    const request = body as MessageRequest;
    const { source, portfolio } = await senderPortfolio(this.portfolios, principal, request);
    return { request, source, portfolio };
  }

  /** Tallied first: a request may carry 100,000 destinations, and a labelled increment is not free. */
  private count(report: readonly DestinationReport[]): void {
    const tally = new Map<string, number>();
    for (const entry of report) {
      const key = `${entry.action}\u0000${entry.code ?? ''}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
    for (const [key, count] of tally) {
      const [action, code] = key.split('\u0000');
      this.metrics.dedupeDestinations.inc({ action, code: code || 'none' }, count);
    }
  }
}

/** Nothing left to send: the answer says why for each destination, in words and as the report a 200 would carry. */
function nothingToSend(report: DestinationReport[]): AppError {
  const fields = report.map((entry, index) => ({ field: `destinations[${index}]`, message: `${entry.code}: ${entry.reason}` }));
  return AppError.validation(fields, { destinations: report });
}
