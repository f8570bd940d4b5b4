import type { Portfolio, UnknownTemplatesPolicy } from './portfolio.entity';

export interface PortfolioView {
  key: string;
  businessNumbers: string[];
  platformId: string | null;
  platformPartnerId: string | null;
  group: string | null;
  region: string | null;
  /** Upstream credentials are never returned, only whether there are some. */
  hasUpstreamCredentials: boolean;
  sendPolicies: { careWindow: boolean; skipInvalid: boolean; unknownTemplates: UnknownTemplatesPolicy };
  createdAt: string;
  updatedAt: string;
}

export function toPortfolioView(portfolio: Portfolio): PortfolioView {
  return {
    key: portfolio.key,
    businessNumbers: (portfolio.businessNumbers ?? []).map((number) => number.number).sort(),
    platformId: portfolio.platformId,
    platformPartnerId: portfolio.platformPartnerId,
    group: portfolio.group,
    region: portfolio.region,
    hasUpstreamCredentials: Boolean(portfolio.linkUsername && portfolio.linkPassword),
    sendPolicies: {
      careWindow: portfolio.enforceCareWindow,
      skipInvalid: portfolio.skipInvalidContacts,
      unknownTemplates: portfolio.unknownTemplates,
    },
    createdAt: portfolio.createdAt.toISOString(),
    updatedAt: portfolio.updatedAt.toISOString(),
  };
}
