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
  sendPolicies: { careWindow: boolean; skipInvalid: boolean; skipMarketingOptOut: boolean; unknownTemplates: UnknownTemplatesPolicy };
  /** Meta's webhooks: the phone number ids; the token and the app secret are never returned, only whether they are set. */
  meta: { phoneNumbers: { number: string; phoneNumberId: string }[]; hasVerifyToken: boolean; hasAppSecret: boolean } | null;
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
      skipMarketingOptOut: portfolio.skipMarketingOptOut,
      unknownTemplates: portfolio.unknownTemplates,
    },
    meta: metaView(portfolio),
    createdAt: portfolio.createdAt.toISOString(),
    updatedAt: portfolio.updatedAt.toISOString(),
  };
}

function metaView(portfolio: Portfolio): PortfolioView['meta'] {
  if (!portfolio.metaVerifyToken && !portfolio.metaAppSecret) return null;
  const phoneNumbers = (portfolio.businessNumbers ?? [])
    .filter((number) => number.metaPhoneNumberId)
    .map((number) => ({ number: number.number, phoneNumberId: number.metaPhoneNumberId as string }))
    .sort((a, b) => a.number.localeCompare(b.number));
  return { phoneNumbers, hasVerifyToken: Boolean(portfolio.metaVerifyToken), hasAppSecret: Boolean(portfolio.metaAppSecret) };
}
