import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { TestApp } from './test-app';

/** Debian's package (.ci/run installs it when missing); CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** What CI keeps as artifacts: a screenshot of each page the browser tests visit. */
export const SCREENSHOT_FOLDER = resolve(__dirname, '..', '..', 'artifacts', 'admin-screenshots');

/**
 * Quiet, headless and self-contained: no sandbox (CI runs as root), no GPU, nothing fetched in the
 * background (the machine may have no internet), a fresh profile each time.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  /** The console's address on the listening test app, e.g. http://127.0.0.1:41234/admin/. */
  consoleUrl: string;
  /** The current tab: `signIn` opens a new one, as a tab's sessionStorage is its own. */
  page: Page;
  /** Errors the page threw or logged: a test expects none. */
  pageErrors: string[];
  newTab(): Promise<Page>;
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * One Chromium for a test file, on the test app listening on 127.0.0.1 (a free port). Playwright
 * takes the profile folder as its own argument (it refuses `--user-data-dir` among the arguments).
 */
export async function openBrowser(t: TestApp, viewport = { width: 1280, height: 900 }): Promise<Browser> {
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  const profile = mkdtempSync(join(tmpdir(), 'contact-book-chromium-'));
  mkdirSync(SCREENSHOT_FOLDER, { recursive: true });
  process.stdout.write(`Admin console screenshots: ${SCREENSHOT_FOLDER}\n`);
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
  const pageErrors: string[] = [];
  const browser: Browser = {
    consoleUrl: `http://127.0.0.1:${port}/admin/`,
    page: context.pages()[0] ?? (await context.newPage()),
    pageErrors,
    newTab: async () => {
      await browser.page.close();
      browser.page = watched(await context.newPage(), pageErrors);
      return browser.page;
    },
    screenshot: async (name) => void (await browser.page.screenshot({ path: join(SCREENSHOT_FOLDER, `${name}.png`), fullPage: true })),
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
  return browser;
}

/** Errors the page throws or logs, but for the 403 and 404 answers that tests provoke on purpose. */
function watched(page: Page, pageErrors: string[]): Page {
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 40[34]/.test(message.text())) pageErrors.push(message.text());
  });
  return page;
}

/** Signs in on the console's form in a new tab (so signed out), as an admin would, and waits for the people page. */
export async function signIn(browser: Browser, name: string, secret: string): Promise<Page> {
  const page = await browser.newTab();
  await page.goto(browser.consoleUrl);
  await page.getByLabel('Key name').fill(name);
  await page.getByLabel('Secret').fill(secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: /^People in / }).waitFor();
  return page;
}
