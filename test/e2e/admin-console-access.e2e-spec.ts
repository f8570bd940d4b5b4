// The admin console as served, and as a read-only key sees it: the files need no key and carry the
// security headers; a key with `read` only is offered no admin action, and the API refuses it anyway.
import request from 'supertest';
import { openBrowser, signIn, type Browser } from '../support/browser';
import { mo, sendMo } from '../support/link-builders';
import { resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

const PHONE = '+46701234567';
const B = 'SE.13491208655302741918';

describe('the admin console: files, and what a read-only key may do', () => {
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    t = await createTestApp();
    browser = await openBrowser(t, { width: 390, height: 844 });
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

  describe('the files', () => {
    it('serves the page without a key, under a CSP that allows no inline script', async () => {
      const res = await request(t.http).get('/admin/');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      const policy = String(res.headers['content-security-policy']).split(';');
      expect(policy).toEqual(expect.arrayContaining(["script-src 'self'", "script-src-attr 'none'", "connect-src 'self'"]));
      expect(res.text).toContain('<script type="module" src="js/main.js"></script>');
      expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect((await request(t.http).get('/admin')).headers.location).toBe('/admin/');
    });

    it("serves lit-html's browser modules from its package, and nothing else of it", async () => {
      const lit = await request(t.http).get('/admin/vendor/lit-html/lit-html.js');
      expect(lit.status).toBe(200);
      expect(lit.headers['content-type']).toMatch(/javascript/);
      expect((await request(t.http).get('/admin/vendor/lit-html/directives/repeat.js')).status).toBe(200);
      for (const path of ['package.json', 'node/lit-html.js', 'lit-html.js.map']) {
        expect({ path, status: (await request(t.http).get(`/admin/vendor/lit-html/${path}`)).status }).toEqual({ path, status: 404 });
      }
      const outside = await request(t.http).get('/admin/vendor/lit-html/../../../package.json');
      expect([403, 404]).toContain(outside.status);
    });
  });

  describe('a read-only key, on a phone-width window', () => {
    it('refuses a wrong secret on the sign-in form', async () => {
      const page = await browser.newTab();
      await page.goto(browser.consoleUrl);
      await page.getByLabel('Key name').fill('crm');
      await page.getByLabel('Secret').fill('not-the-secret-at-all');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').getByText('No key with this name and secret.').waitFor();
      expect(await page.evaluate('sessionStorage.length')).toBe(0);
      browser.pageErrors.length = 0; // the 401 of the refused key
    });

    it('looks a person up, sees no admin action, and gets 403 when it tries one anyway', async () => {
      const contactId = await sendMo(t, mo(PHONE, { whatsappUserId: B }, 'm-1', new Date(Date.now() - 3_600_000).toISOString()));
      const page = await signIn(browser, 'crm', KEYS.crm);
      expect(await page.getByRole('navigation', { name: 'Sections' }).textContent()).not.toContain('Conflicts');
      await page.getByLabel(/Find a person/).fill('0046 70 123 45 67');
      await page.getByRole('button', { name: 'Find' }).click();
      await page.getByRole('heading', { level: 1, name: /^Person / }).waitFor();
      expect(page.url()).toContain(contactId);

      expect(await page.getByRole('button', { name: 'Erase this person…' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Split this merge…' }).count()).toBe(0);
      await page.getByText('The history and its evidence need a key with the admin role.').waitFor();
      // It may read the identifiers (the API answers them in full to it): it may reveal them.
      await page.getByRole('button', { name: 'Reveal identifiers' }).click();
      expect(await page.locator('dl.facts').textContent()).toContain(PHONE);
      await browser.screenshot('person-read-only-phone-width');

      // The same calls the buttons would make, with the tab's own key: the API refuses them.
      // Runs in the page (the project's TypeScript knows no DOM types: globalThis stands for the window).
      const statuses = await page.evaluate(async (id) => {
        const { name, secret } = JSON.parse((globalThis as any).sessionStorage.getItem('contact-book-admin-key') ?? '{}');
        const headers = { authorization: `Basic ${btoa(`${name}:${secret}`)}` };
        const erase = await fetch(`/v1/portfolios/acme/contacts/${id}`, { method: 'DELETE', headers });
        const history = await fetch(`/v1/portfolios/acme/contacts/${id}/history`, { headers });
        const conflicts = await fetch('/v1/portfolios/acme/conflicts', { headers });
        return [erase.status, history.status, conflicts.status];
      }, contactId);
      expect(statuses).toEqual([403, 403, 403]);
      expect(await t.contactsOf('acme')).toEqual([{ id: contactId, msisdn: PHONE, bsuid: B, parentBsuid: null }]);

      // A page it has no link to shows the API's refusal.
      await page.goto(`${browser.consoleUrl}#/p/acme/conflicts`);
      await page
        .getByRole('alert')
        .getByText(/No access/)
        .waitFor();
    });

    it('offers only the portfolios the key reaches', async () => {
      const page = await signIn(browser, 'crm', KEYS.crm);
      expect(await page.getByLabel('Portfolio').locator('option').allTextContents()).toEqual(['acme']);
      await page.goto(`${browser.consoleUrl}#/p/globex/stats`);
      await page.getByRole('heading', { level: 1, name: 'People in acme' }).waitFor();
      await page.getByRole('link', { name: 'Stats' }).click();
      await page.locator('[data-figure="contacts"]').waitFor();
      await browser.screenshot('stats-read-only-phone-width');
    });
  });
});
