import request from 'supertest';
import { noAccess, notFound, validation, validationIncluding } from '../support/expected-errors';
import { resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, KEYS, TestApp } from '../support/test-app';
import { TemplatesService } from '../../src/templates/templates.service';

describe('templates', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  beforeEach(() => resetWithAcmeAndGlobex(t));
  afterAll(() => t.close());

  const url = (name = '', portfolio = 'acme') => `/v1/portfolios/${portfolio}/templates${name ? `/${name}` : ''}`;
  const put = (name: string, body: object, secret: string = KEYS.admin, portfolio = 'acme') =>
    request(t.http).put(url(name, portfolio)).auth(secret, { type: 'bearer' }).send(body);
  const get = (path: string, secret: string = KEYS.admin) => request(t.http).get(path).auth(secret, { type: 'bearer' });
  const del = (path: string, secret: string = KEYS.admin) => request(t.http).delete(path).auth(secret, { type: 'bearer' });
  const rows = () =>
    t.dataSource.query(
      'SELECT portfolio, name, language, category, otp_type, status, source FROM template ORDER BY portfolio, name, language',
    );
  const view = (over: object) => ({
    portfolio: 'acme',
    otpType: null,
    status: null,
    source: 'admin',
    createdAt: expect.any(String),
    updatedAt: expect.any(String),
    ...over,
  });

  describe('PUT /v1/portfolios/:portfolio/templates/:name', () => {
    it('creates an authentication template (201) and replaces it (200), keeping its creation time', async () => {
      const created = await put('login_code', { language: 'en_US', category: 'AUTHENTICATION', otpType: 'COPY_CODE' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual(view({ name: 'login_code', language: 'en_US', category: 'AUTHENTICATION', otpType: 'COPY_CODE' }));

      const replaced = await put('login_code', { language: 'en_US', category: 'AUTHENTICATION', otpType: 'ONE_TAP' });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toEqual(
        view({ name: 'login_code', language: 'en_US', category: 'AUTHENTICATION', otpType: 'ONE_TAP', createdAt: created.body.createdAt }),
      );
      expect(await rows()).toEqual([
        {
          portfolio: 'acme',
          name: 'login_code',
          language: 'en_US',
          category: 'AUTHENTICATION',
          otp_type: 'ONE_TAP',
          status: null,
          source: 'admin',
        },
      ]);
    });

    it('keeps one row per language, and clears the OTP kind when an authentication template becomes another category', async () => {
      expect((await put('hello', { language: 'en', category: 'AUTHENTICATION', otpType: 'ZERO_TAP' })).status).toBe(201);
      expect((await put('hello', { language: 'pt_BR', category: 'MARKETING' })).status).toBe(201);
      const res = await put('hello', { language: 'en', category: 'UTILITY', otpType: null });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(view({ name: 'hello', language: 'en', category: 'UTILITY' }));
      expect(await rows()).toEqual([
        { portfolio: 'acme', name: 'hello', language: 'en', category: 'UTILITY', otp_type: null, status: null, source: 'admin' },
        { portfolio: 'acme', name: 'hello', language: 'pt_BR', category: 'MARKETING', otp_type: null, status: null, source: 'admin' },
      ]);
    });

    it("reads the category and OTP kind in any case, as LINK's document writes them, and keeps them in upper case", async () => {
      const utility = await put('order_update', { language: 'en', category: 'utility' });
      expect(utility.status).toBe(201);
      expect(utility.body).toEqual(view({ name: 'order_update', language: 'en', category: 'UTILITY' }));
      const otp = await put('login_code', { language: 'en', category: ' Authentication', otpType: 'copy_code' });
      expect(otp.status).toBe(201);
      expect(otp.body).toEqual(view({ name: 'login_code', language: 'en', category: 'AUTHENTICATION', otpType: 'COPY_CODE' }));
      expect(await rows()).toEqual([
        {
          portfolio: 'acme',
          name: 'login_code',
          language: 'en',
          category: 'AUTHENTICATION',
          otp_type: 'COPY_CODE',
          status: null,
          source: 'admin',
        },
        { portfolio: 'acme', name: 'order_update', language: 'en', category: 'UTILITY', otp_type: null, status: null, source: 'admin' },
      ]);
      const listed = await get(`${url()}?category=authentication`);
      expect(listed.body).toEqual({
        templates: [view({ name: 'login_code', language: 'en', category: 'AUTHENTICATION', otpType: 'COPY_CODE' })],
      });
    });

    it.each([
      [{ category: 'UTILITY' }, 'language'],
      [{ language: 'english', category: 'UTILITY' }, 'language'],
      [{ language: 'en-US', category: 'UTILITY' }, 'language'],
      [{ language: 'en' }, 'category'],
      [{ language: 'en', category: 'utilities' }, 'category'],
      [{ language: 'en', category: 7 }, 'category'],
      [{ language: 'en', category: 'AUTHENTICATION' }, 'otpType'],
      [{ language: 'en', category: 'AUTHENTICATION', otpType: 'SMS' }, 'otpType'],
      [{ language: 'en', category: 'MARKETING', otpType: 'ONE_TAP' }, 'otpType'],
    ])('answers 400 112506 for %j naming the field, and writes nothing', async (body, field) => {
      const res = await put('hello', body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(validationIncluding(field));
      expect(res.body.fields.every((f: { field: string }) => f.field === field)).toBe(true);
      expect(await rows()).toEqual([]);
    });

    // Fastify's maxParamLength (100 by default) answers 414 to longer path parameters before any route runs.
    it.each(['Hello', 'hello-world', 'hello%20world'])('answers 400 112506 naming name for the name %s', async (name) => {
      const res = await put(name, { language: 'en', category: 'UTILITY' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(validation('name'));
      expect(await rows()).toEqual([]);
    });

    it('accepts a long name of letters, digits and underscores', async () => {
      const res = await put(`a_${'1'.repeat(98)}`, { language: 'en', category: 'UTILITY' });
      expect(res.status).toBe(201);
    });
  });

  describe('GET', () => {
    beforeEach(async () => {
      await put('welcome', { language: 'sv', category: 'MARKETING' });
      await put('welcome', { language: 'en', category: 'MARKETING' });
      await put('login_code', { language: 'en_US', category: 'AUTHENTICATION', otpType: 'ONE_TAP' });
      await put('order_update', { language: 'en', category: 'UTILITY' });
      await put('order_update', { language: 'en', category: 'UTILITY' }, KEYS.admin, 'globex');
    });

    it('lists the templates of the portfolio by name and language', async () => {
      const res = await get(url());
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        templates: [
          view({ name: 'login_code', language: 'en_US', category: 'AUTHENTICATION', otpType: 'ONE_TAP' }),
          view({ name: 'order_update', language: 'en', category: 'UTILITY' }),
          view({ name: 'welcome', language: 'en', category: 'MARKETING' }),
          view({ name: 'welcome', language: 'sv', category: 'MARKETING' }),
        ],
      });
    });

    it('filters the list by category, and refuses an unknown one', async () => {
      const res = await get(`${url()}?category=AUTHENTICATION`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        templates: [view({ name: 'login_code', language: 'en_US', category: 'AUTHENTICATION', otpType: 'ONE_TAP' })],
      });
      const bad = await get(`${url()}?category=OTP`);
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual(validation('category'));
    });

    it('finds a template by name alone when it has one language, and by name and language', async () => {
      const one = await get(url('login_code'));
      expect(one.status).toBe(200);
      expect(one.body).toEqual(view({ name: 'login_code', language: 'en_US', category: 'AUTHENTICATION', otpType: 'ONE_TAP' }));
      const sv = await get(`${url('welcome')}?language=sv`);
      expect(sv.status).toBe(200);
      expect(sv.body).toEqual(view({ name: 'welcome', language: 'sv', category: 'MARKETING' }));
    });

    it('answers 400 naming language for a name in several languages asked without one', async () => {
      const res = await get(url('welcome'));
      expect(res.status).toBe(400);
      expect(res.body).toEqual(validation('language'));
      expect(res.body.fields[0].message).toContain('en, sv');
    });

    it('answers 404 for an unknown name or language, and 400 for a bad language', async () => {
      expect((await get(url('nothing'))).body).toEqual(notFound);
      const fr = await get(`${url('welcome')}?language=fr`);
      expect(fr.status).toBe(404);
      expect(fr.body).toEqual(notFound);
      const bad = await get(`${url('welcome')}?language=French`);
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual(validation('language'));
    });

    it('matches the templates a request names in one call for the send pipeline, by trimmed name, an authentication name in every language', async () => {
      const found = await t.app.get(TemplatesService).match('acme', [
        { name: 'login_code', language: 'en_US' },
        { name: ' login_code', language: 'sv' },
        { name: 'welcome', language: 'sv' },
        { name: 'welcome', language: 'fr' },
        { name: 'order_update', language: 'en' },
        { name: 'nothing', language: 'en' },
      ]);
      expect(found).toEqual([
        { name: 'login_code', language: 'en_US', known: true, category: 'AUTHENTICATION' },
        { name: 'login_code', language: 'sv', known: true, category: 'AUTHENTICATION' },
        { name: 'welcome', language: 'sv', known: true, category: 'MARKETING' },
        { name: 'welcome', language: 'fr', known: true, category: 'MARKETING' },
        { name: 'order_update', language: 'en', known: true, category: 'UTILITY' },
        { name: 'nothing', language: 'en', known: false, category: null },
      ]);
      expect(await t.app.get(TemplatesService).match('acme', [])).toEqual([]);
    });
  });

  describe('DELETE /v1/portfolios/:portfolio/templates/:name', () => {
    beforeEach(async () => {
      await put('welcome', { language: 'sv', category: 'MARKETING' });
      await put('welcome', { language: 'en', category: 'MARKETING' });
    });

    it('removes one language of a template and answers what was removed', async () => {
      const res = await del(`${url('welcome')}?language=sv`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(view({ name: 'welcome', language: 'sv', category: 'MARKETING' }));
      expect(await rows()).toEqual([expect.objectContaining({ name: 'welcome', language: 'en' })]);
      const last = await del(url('welcome'));
      expect(last.status).toBe(200);
      expect(last.body).toEqual(view({ name: 'welcome', language: 'en', category: 'MARKETING' }));
      expect(await rows()).toEqual([]);
    });

    it('answers 404 for an unknown template and 400 when the language is ambiguous, removing nothing', async () => {
      const unknown = await del(`${url('welcome')}?language=fr`);
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual(notFound);
      expect((await del(url('nothing'))).status).toBe(404);
      const ambiguous = await del(url('welcome'));
      expect(ambiguous.status).toBe(400);
      expect(ambiguous.body).toEqual(validation('language'));
      expect(await rows()).toHaveLength(2);
    });
  });

  describe('access', () => {
    beforeEach(() => put('welcome', { language: 'en', category: 'MARKETING' }));

    it.each([
      ['a CRM key (read role)', KEYS.crm],
      ["another portfolio's admin", KEYS.globexAdmin],
    ])('refuses %s every template route (403)', async (_, secret) => {
      const answers = await Promise.all([
        get(url(), secret),
        get(url('welcome'), secret),
        put('welcome', { language: 'en', category: 'UTILITY' }, secret),
        del(url('welcome'), secret),
        request(t.http).post(url('sync')).auth(secret, { type: 'bearer' }),
      ]);
      for (const res of answers) {
        expect(res.status).toBe(403);
        expect(res.body).toEqual(noAccess);
      }
      expect(await rows()).toEqual([expect.objectContaining({ name: 'welcome', category: 'MARKETING' })]);
    });

    it("shows a portfolio's admin only its own templates", async () => {
      const res = await get(url('', 'globex'), KEYS.globexAdmin);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ templates: [] });
      expect((await get(url('welcome', 'globex'), KEYS.globexAdmin)).status).toBe(404);
    });

    it('answers 404 for a portfolio that does not exist', async () => {
      const res = await get(url('', 'initech'));
      expect(res.status).toBe(404);
      expect(res.body).toEqual(notFound);
    });
  });
});
