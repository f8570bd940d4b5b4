import request from 'supertest';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

type Operation = {
  summary?: string;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: { example?: unknown; $ref?: string } }> }>;
};
type Paths = Record<string, Record<string, Operation>>;

const PUBLIC = /^\/(health|docs)/;
const SAMPLE: Record<string, string> = {
  portfolio: 'acme',
  identifier: '+46701234567',
  entry: '1',
  id: '1',
  group: 'g1',
  parentBsuid: 'SE.ENT.11815799212886844830',
};

/** Every operation of the OpenAPI document, with its path filled in with sample values. */
function operations(paths: Paths): { method: string; template: string; url: string; operation: Operation }[] {
  return Object.entries(paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method,
      template,
      url: template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(SAMPLE[name] ?? 'x')),
      operation,
    })),
  );
}

describe('OpenAPI document and route protection', () => {
  let t: TestApp;
  let paths: Paths;
  let components: { schemas: Record<string, unknown>; securitySchemes: Record<string, Record<string, unknown>> };
  beforeAll(async () => {
    t = await createTestApp();
    const document = (await request(t.http).get('/docs-json').auth(KEYS.admin, { type: 'bearer' })).body;
    paths = document.paths;
    components = document.components;
  });
  afterAll(() => t.close());

  it('documents the CRM and admin endpoints', () => {
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/v1/portfolios/{portfolio}/contacts',
        '/v1/portfolios/{portfolio}/contacts/resolve',
        '/v1/portfolios/{portfolio}/contacts/{identifier}',
        '/v1/portfolios/{portfolio}/contacts/{identifier}/history',
        '/v1/portfolios/{portfolio}/contacts/{identifier}/history/{entry}/split',
        '/v1/portfolios/{portfolio}/stats',
        '/v1/portfolios/{portfolio}/stats/learned',
        '/v1/portfolios/{portfolio}/contacts/{identifier}/activity',
        '/v1/key',
        '/v1/portfolios/{portfolio}/conflicts',
        '/v1/portfolios/{portfolio}/conflicts/{id}',
        '/v1/portfolios/{portfolio}/conflicts/{id}/settle',
        '/v1/groups/{group}/contacts/{parentBsuid}',
      ]),
    );
    expect(Object.keys(paths['/v1/portfolios/{portfolio}/contacts']).sort()).toEqual(['get', 'put']);
    expect(Object.keys(paths['/v1/portfolios/{portfolio}/contacts/{identifier}']).sort()).toEqual(['delete', 'get']);
  });

  it('gives every operation a summary, and every answer but health an example', () => {
    for (const { method, template, operation } of operations(paths)) {
      expect({ operation: `${method} ${template}`, summary: operation.summary ?? '' }).toEqual({
        operation: `${method} ${template}`,
        summary: expect.stringMatching(/\w{3}/),
      });
      // An answer without a body (LINK's 204s) has nothing to show.
      if (PUBLIC.test(template) || (operation.responses['204'] && !operation.responses['200'])) continue;
      const answer = operation.responses['200'] ?? operation.responses['201'];
      const content = answer?.content?.['application/json'] ?? answer?.content?.['text/plain'];
      const example = content?.schema?.example;
      expect({ operation: `${method} ${template}`, hasExample: example !== undefined }).toEqual({
        operation: `${method} ${template}`,
        hasExample: true,
      });
    }
  });

  it('documents the LINK routes passed through, beside the planned POST /link/messages', () => {
    const account = '/link/platformId/{platformId}/platformPartnerId/{platformPartnerId}/source/{source}';
    const documented = Object.entries(paths)
      .filter(([template]) => template.startsWith('/link/'))
      .flatMap(([template, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${template}`));
    expect(documented.sort()).toEqual(
      [
        'POST /link/messages',
        'POST /link/mo/status',
        'POST /link/media',
        'POST /link/media/resumable',
        `GET ${account}`,
        `GET ${account}/profile`,
        `POST ${account}/profile`,
        `GET ${account}/analytics`,
        `GET ${account}/templates`,
        `PUT ${account}/templates`,
        `GET ${account}/templates/{templateId}`,
        `POST ${account}/templates/{templateId}`,
        `DELETE ${account}/templates/{templateId}/{templateName}`,
      ].sort(),
    );
  });

  it("answers every error of every keyed route in LINK's ErrorResponse, as the document says", () => {
    expect(components.schemas.ErrorResponse).toMatchObject({
      required: ['resultCode', 'description', 'translatedDescription'],
      properties: {
        resultCode: { type: 'integer' },
        description: { type: 'string' },
        translatedDescription: { type: 'string', nullable: true },
        fields: { type: 'array' },
      },
    });
    for (const { method, template, operation } of operations(paths)) {
      if (PUBLIC.test(template)) continue;
      const errors = Object.entries(operation.responses).filter(([status]) => Number(status) >= 400);
      expect({ operation: `${method} ${template}`, statuses: errors.map(([status]) => status) }).toEqual({
        operation: `${method} ${template}`,
        statuses: expect.arrayContaining(['400', '401', '403', '429', '500', '503']),
      });
      for (const [status, response] of errors) {
        expect({ operation: `${method} ${template} ${status}`, schema: response.content?.['application/json']?.schema }).toEqual({
          operation: `${method} ${template} ${status}`,
          schema: { $ref: '#/components/schemas/ErrorResponse' },
        });
      }
    }
    expect(Object.keys(paths['/link/mo/status'].post.responses)).toEqual(expect.arrayContaining(['502', '504']));
  });

  it('describes the bearer credential as an opaque key, not a JWT', () => {
    expect(components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer', description: expect.stringContaining('opaque') });
  });

  it('refuses every route but health without a key (401)', async () => {
    const routes = operations(paths).filter(({ template }) => !PUBLIC.test(template));
    expect(routes.length).toBeGreaterThan(15);
    for (const { method, url } of routes) {
      const res = await (request(t.http) as unknown as Record<string, (url: string) => request.Test>)[method](url).send({});
      expect({ route: `${method} ${url}`, status: res.status, resultCode: res.body.resultCode }).toEqual({
        route: `${method} ${url}`,
        status: 401,
        resultCode: 112400,
      });
    }
  });

  it('refuses every route of a portfolio to a key of another portfolio (403)', async () => {
    const routes = operations(paths).filter(({ template }) => template.startsWith('/v1/portfolios/{portfolio}'));
    for (const { method, url } of routes) {
      const res = await (request(t.http) as unknown as Record<string, (url: string) => request.Test>)
        [method](url)
        .auth(KEYS.globexAdmin, { type: 'bearer' })
        .send({});
      expect({ route: `${method} ${url}`, status: res.status }).toEqual({ route: `${method} ${url}`, status: 403 });
    }
  });
});
