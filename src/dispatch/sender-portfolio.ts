import { assertReaches, Principal } from '../auth/api-keys.service';
import { AppError } from '../common/errors/app-error';
import { parseBusinessNumber } from '../identifiers/domain/identifier';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { PortfoliosService } from '../portfolios/portfolios.service';
import { namesPlatformOf } from './domain/link-route';

/**
 * The portfolio a send or a LINK call goes out for: the owner of the business number it names as
 * `source`. The key must reach it, and the call must name its LINK platform: it goes out under
 * that portfolio's LINK credentials, so it may not name another's.
 */
export async function senderPortfolio(
  portfolios: PortfoliosService,
  principal: Principal,
  named: { readonly source: unknown; readonly [field: string]: unknown },
): Promise<{ source: string; portfolio: Portfolio }> {
  const source = parseBusinessNumber(named.source, 'source');
  const portfolio = await portfolios.forBusinessNumber(source);
  // Which portfolio owns the number is not this key's to know.
  assertReaches(principal, portfolio.key, 'No access: this key does not reach the portfolio of this source');
  if (!namesPlatformOf(portfolio, named)) {
    throw AppError.noAccess(
      `The source ${source} belongs to portfolio ${portfolio.key}, whose LINK platformId and platformPartnerId the request must use`,
    );
  }
  return { source, portfolio };
}
