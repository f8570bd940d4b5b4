import { TestApp } from './test-app';

/** acme's business number, which is also the destination of LINK's MO fixtures. */
export const ACME_NUMBER = '+46000000000';
export const GLOBEX_NUMBER = '+47000000000';

/**
 * acme, the portfolio most tests write to: Swedish, so local numbers read as +46, and it owns LINK's
 * platform TEST_XA/1, which is what routes a DLR (it names no business number) to it.
 */
export const ACME = { businessNumbers: [ACME_NUMBER], platformId: 'TEST_XA', platformPartnerId: '1', region: 'SE' };
/** globex, the other portfolio: each feature proves that its keys see nothing of acme. */
export const GLOBEX = { businessNumbers: [GLOBEX_NUMBER], platformId: 'TEST_GX' };

/** The usual `beforeEach`: an empty database with acme and globex in it. */
export async function resetWithAcmeAndGlobex(t: TestApp): Promise<void> {
  await t.resetDatabase();
  await t.putPortfolio('acme', ACME);
  await t.putPortfolio('globex', GLOBEX);
}
