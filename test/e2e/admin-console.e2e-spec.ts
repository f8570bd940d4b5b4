// The admin console in a real headless Chromium, signed in with the admin key: find a person, read
// their timeline after a merge, split it, settle a conflict, erase, and the stats page.
import { api } from '../support/api';
import { openBrowser, signIn, type Browser } from '../support/browser';
import { mo, sendMo } from '../support/link-builders';
import { ACME_META, metaFixture, postMeta } from '../support/meta-builders';
import { ACME, resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

const PHONE = '+46701234567';
const PHONE2 = '+46709876543';
const B = 'SE.13491208655302741918';
const B2 = 'SE.22222222222222222222';

/** Webhook times a few hours back, so that care windows are open as they would be on a live service. */
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('the admin console, signed in as admin', () => {
  let t: TestApp;
  let browser: Browser;
  const requests = api(() => t);
  beforeAll(async () => {
    t = await createTestApp();
    browser = await openBrowser(t);
  });
  beforeEach(async () => {
    await resetWithAcmeAndGlobex(t);
    browser.pageErrors.length = 0;
  });
  afterEach(() => expect(browser.pageErrors).toEqual([]));
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A merge: the phone first, its BSUID apart, then one MO carrying both. */
  const mergedPerson = async (): Promise<{ older: string; younger: string }> => {
    const older = await sendMo(t, mo(PHONE, null, 'm-1', hoursAgo(30)));
    const younger = await sendMo(t, mo(B, { whatsappUserId: B }, 'm-2', hoursAgo(20)));
    expect(await sendMo(t, mo(PHONE, { whatsappUserId: B }, 'm-3', hoursAgo(2)))).toBe(older);
    return { older, younger };
  };

  const findPerson = async (written: string) => {
    const { page } = browser;
    await page.getByLabel(/Find a person/).fill(written);
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('heading', { level: 1, name: /^Person / }).waitFor();
  };

  it('finds a person by a phone written 0046 …, masked until revealed', async () => {
    const contactId = await sendMo(t, mo(PHONE, { whatsappUserId: B }, 'm-1', hoursAgo(3)));
    await sendMo(t, mo(PHONE2, null, 'm-2', hoursAgo(1)));
    const page = await signIn(browser, 'admin', KEYS.admin);
    await browser.screenshot('people-list');
    expect(await page.locator('tbody tr').count()).toBe(2);

    await findPerson('0046 70 123 45 67');
    expect(page.url()).toContain(`/person/${contactId}`);
    const facts = page.locator('dl.facts');
    // Masked as the logs mask them.
    expect(await facts.locator('dd').first().textContent()).toContain('+4670*****67');
    expect(await page.content()).not.toContain(PHONE);
    expect(await facts.textContent()).toMatch(/open, 2[01] h \d+ min left/);
    expect(await page.locator('section[aria-labelledby="activity-title"] tbody').textContent()).toContain('+46000000000');

    await page.getByRole('button', { name: 'Reveal identifiers' }).click();
    expect(await facts.locator('dd').first().textContent()).toContain(PHONE);
    expect(await facts.textContent()).toContain(B);
    await browser.screenshot('person');
    await page.getByRole('button', { name: 'Mask identifiers' }).click();
    expect(await facts.textContent()).not.toContain(B);
  });

  it("shows the username and the marketing choice from Meta's webhooks, the username masked until revealed", async () => {
    await t.putPortfolio('acme', { ...ACME, meta: ACME_META });
    await sendMo(t, mo(PHONE, { whatsappUserId: B }, 'm-1', hoursAgo(3)));
    // Anna (B, PHONE) chose the username @anna.s and asked for no more marketing messages.
    expect((await postMeta(t, metaFixture('user-preferences-stop'))).status).toBe(200);
    const page = await signIn(browser, 'admin', KEYS.admin);
    await findPerson(PHONE);
    const facts = page.locator('dl.facts');
    const fact = (name: string) => facts.locator(`dt:text-is("${name}") + dd`);
    expect(await fact('Username').textContent()).toContain('@a***');
    expect(await page.content()).not.toContain('@anna.s');
    expect(await fact('Marketing').textContent()).toContain('opted out');

    await page.getByRole('button', { name: 'Reveal identifiers' }).click();
    expect(await fact('Username').textContent()).toContain('@anna.s');
  });

  it('shows the timeline of a merge with its evidence, and splits it after a confirmation naming what changes', async () => {
    const { older, younger } = await mergedPerson();
    const page = await signIn(browser, 'admin', KEYS.admin);
    await findPerson(B);
    expect(page.url()).toContain(`/person/${older}`);

    const events = page.locator('ol.timeline > li');
    const history = (await requests.history(PHONE)).body.items as { id: string; action: string }[];
    expect(await events.count()).toBe(history.length);
    // Newest first, as the API gives it: the merge of the last MO leads.
    expect(await events.first().textContent()).toMatch(/Merged|Linked|Unlinked/);
    const merge = history.find((item) => item.action === 'merged')!;
    const mergeRow = page.locator(`li[data-entry="${merge.id}"]`);
    expect(await mergeRow.textContent()).toContain('m-3');
    // Rows of the contact merged into this one are folded in, marked with it.
    expect(await page.locator('ol.timeline').textContent()).toContain(`merged contact ${younger.slice(0, 8)}`);
    expect(await page.locator('ol.timeline').textContent()).toContain('m-2');
    await browser.screenshot('person-timeline-after-merge');

    await mergeRow.getByRole('button', { name: 'Split this merge…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Split this merge?' });
    expect(await dialog.textContent()).toContain(`#${merge.id}`);
    expect(await dialog.textContent()).toContain(younger);
    await browser.screenshot('split-confirmation');
    // Cancelling changes nothing.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await t.contactsOf('acme')).length).toBe(1);

    await mergeRow.getByRole('button', { name: 'Split this merge…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Split the merge' }).click();
    await page.getByText(/^Split done: contact /).waitFor();
    expect(await t.contactsOf('acme')).toEqual([
      { id: older, msisdn: PHONE, bsuid: null, parentBsuid: null },
      { id: younger, msisdn: null, bsuid: B, parentBsuid: null },
    ]);
    // The split is history now, and the merge it undid offers no second split.
    await page.locator('ol.timeline li.split').first().waitFor();
    expect(await page.getByRole('button', { name: 'Split this merge…' }).count()).toBe(0);
  });

  it('settles a conflict from the worklist, both sides side by side, and shows the outcome', async () => {
    const contactId = await sendMo(t, mo(PHONE, { whatsappUserId: B }, 'clash-1', hoursAgo(5)));
    expect((await requests.importContacts([{ msisdn: PHONE2, bsuid: B }])).status).toBe(200);
    await sendMo(t, mo(PHONE2, { whatsappUserId: B2 }, 'other-1', hoursAgo(4)));
    expect((await requests.importContacts([{ msisdn: PHONE, bsuid: B2, externalId: 'crm-4711' }])).status).toBe(200);
    const page = await signIn(browser, 'admin', KEYS.admin);
    await page.getByRole('link', { name: 'Conflicts' }).click();
    await page.getByRole('heading', { level: 1, name: 'Conflicts in acme' }).waitFor();
    const cards = page.locator('article.conflict');
    await cards.first().waitFor();
    expect(await cards.count()).toBe(2);
    const first = cards.first();
    expect(await first.locator('.side').count()).toBe(2);
    expect(await first.textContent()).toContain('IMPORT');
    await browser.screenshot('conflicts');

    const id = await cards.last().getAttribute('data-conflict');
    const card = page.locator(`article[data-conflict="${id}"]`);
    await card.getByRole('button', { name: 'Keep the existing link' }).click();
    await card.locator('.outcome').waitFor();
    expect(await card.locator('.outcome').textContent()).toMatch(/kept\s+by admin on/);
    const settled = await t.dataSource.query('SELECT status, settled_by FROM link_conflict WHERE id = $1', [id]);
    expect(settled).toEqual([{ status: 'kept', settled_by: 'admin' }]);
    expect(await card.getByRole('button', { name: 'Accept the claim' }).count()).toBe(0);
    await browser.screenshot('conflicts-settled');
    expect((await requests.get(PHONE)).body.id).toBe(contactId);
  });

  it('erases a person after a confirmation that names the identifiers, and then finds nobody', async () => {
    const { older } = await mergedPerson();
    const page = await signIn(browser, 'admin', KEYS.admin);
    await findPerson(PHONE);
    await page.getByRole('button', { name: 'Erase this person…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Erase this person?' });
    const text = await dialog.textContent();
    expect(text).toContain(older);
    expect(text).toContain('msisdn +4670*****67');
    expect(text).toContain('bsuid SE.13****************18');
    expect(text).toContain('1 contact(s) merged into it');
    await browser.screenshot('erase-confirmation');
    await dialog.getByRole('button', { name: 'Erase for good' }).click();
    await page.getByText(/^Erased 2 contact\(s\)/).waitFor();
    expect((await requests.get(PHONE)).status).toBe(404);
    expect(await t.contactsOf('acme')).toEqual([]);

    await findPersonExpectingNobody();
    async function findPersonExpectingNobody() {
      await page.getByLabel(/Find a person/).fill('0701234567');
      await page.getByRole('button', { name: 'Find' }).click();
      await page.getByText('No one in acme is known by 07012***67.').waitFor();
    }
  });

  it('shows the stats as figures and the identifiers learned per day as a chart', async () => {
    await mergedPerson();
    await sendMo(t, mo(PHONE2, { whatsappUserId: B2 }, 'm-9', hoursAgo(1)));
    const page = await signIn(browser, 'admin', KEYS.admin);
    await page.getByRole('link', { name: 'Stats' }).click();
    await page.locator('[data-figure="contacts"]').waitFor();
    expect(await page.locator('[data-figure="contacts"] .figure-value').textContent()).toBe('2');
    expect(await page.locator('[data-figure="withBsuid"] .figure-value').textContent()).toBe('2');
    expect(await page.locator('svg.chart rect.bar').count()).toBeGreaterThan(0);
    await browser.screenshot('stats');
  });

  it('pages through a portfolio with keyset pages and the list filters', async () => {
    for (let index = 0; index < 7; index += 1) await sendMo(t, mo(`+4670111000${index}`, null, `p-${index}`, hoursAgo(1)));
    await sendMo(t, mo(B, { whatsappUserId: B }, 'p-b', hoursAgo(1)));
    const page = await signIn(browser, 'admin', KEYS.admin);
    await page.getByLabel('Phone number', { exact: true }).selectOption('true');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/hasPhone=true/);
    await page.getByText('7 people on this page (first page)').waitFor();

    // Pages of 3 (a size the URL may carry): 3, 3, then 1 and no next page.
    await page.goto(`${browser.consoleUrl}#/p/acme/contacts?hasPhone=true&limit=3`);
    const seen = new Set<string>();
    for (const size of [3, 3, 1]) {
      await page.getByText(new RegExp(`^\\s*${size} people on this page`)).waitFor();
      for (const link of await page.locator('tbody tr td:first-child a').all()) seen.add((await link.getAttribute('title'))!);
      if (size === 1) expect(await page.getByRole('link', { name: 'Next page' }).count()).toBe(0);
      else await page.getByRole('link', { name: 'Next page' }).click();
    }
    expect(seen.size).toBe(7);

    await page.getByRole('link', { name: 'Clear' }).click();
    await page.getByLabel('BSUID only').check();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/bsuidOnly=true/);
    await page.getByText('1 people on this page').waitFor();
  });
});
