import type { OpenAPIObject } from '@nestjs/swagger';

type Operation = {
  requestBody?: unknown;
  security?: unknown[];
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Record<string, unknown>; example?: unknown }> }>;
};

export const ERROR_RESPONSE_SCHEMA = {
  type: 'object',
  description:
    "LINK's ErrorResponse, with the fields at fault when validation failed (and, on some routes, a report of their own beside it)",
  required: ['resultCode', 'description', 'translatedDescription'],
  properties: {
    resultCode: { type: 'integer', example: 112506 },
    description: { type: 'string', example: 'Validation error' },
    translatedDescription: { type: 'string', nullable: true, example: null },
    fields: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string', example: 'identifiers' }, message: { type: 'string', example: 'must be an array' } },
      },
    },
  },
  additionalProperties: true,
};

/** What every keyed route may answer, whatever it does (README: Errors). */
const ALWAYS: Record<string, string> = {
  '400': 'Bad input: 112505 a body that is not JSON, 112506 a validation error (`fields` says which), 112402 a value that cannot be stored',
  '401': '112400: no key, or a wrong one',
  '403': '112401: the key lacks the role, or does not reach the portfolio',
  '429': '112929: over the rate limit of the key (see Retry-After)',
  '500': '112500: a failure of this service',
  '503': '112903: the database cannot be reached, or the service is shutting down; retry later',
};
const WITH_BODY: Record<string, string> = { '413': '112913: the body is larger than this route takes' };
const WITH_PATH_PARAMETERS: Record<string, string> = { '404': '112904: no such portfolio, contact, template or entry' };
const CALLING_LINK: Record<string, string> = {
  '502': '112501: LINK could not be reached and nothing was sent, or LINK answered a call of ours with an error',
  '504': '112503: LINK did not answer in time or dropped the connection; the outcome is unknown',
};

/**
 * Gives every error answer of every keyed route LINK's ErrorResponse as its schema, in one place
 * rather than on each handler: the statuses any route may answer, those of routes taking a body,
 * naming path parameters or calling LINK, and the ones handlers document themselves (whose
 * examples stay). The bearer scheme is an opaque key, not a JWT.
 */
export function documentErrors(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ErrorResponse: ERROR_RESPONSE_SCHEMA } };
  const bearer = document.components.securitySchemes?.bearer as { bearerFormat?: string; description?: string } | undefined;
  if (bearer) {
    delete bearer.bearerFormat;
    bearer.description = "An API key's secret (Bearer), opaque; or Basic with the key's name and secret";
  }
  for (const [path, methods] of Object.entries(document.paths)) {
    if (path.startsWith('/health')) continue;
    for (const operation of Object.values(methods as Record<string, Operation>)) {
      if (typeof operation !== 'object' || operation === null || !operation.responses) continue;
      const statuses = {
        ...ALWAYS,
        ...(operation.requestBody ? WITH_BODY : {}),
        ...(path.includes('{') ? WITH_PATH_PARAMETERS : {}),
        ...(/^\/(link|v1\/portfolios\/\{portfolio\}\/templates\/sync)/.test(path) ? CALLING_LINK : {}),
      };
      for (const [status, description] of Object.entries(statuses)) operation.responses[status] ??= { description };
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        const example = response.content?.['application/json']?.schema?.example ?? response.content?.['application/json']?.example;
        response.content = {
          'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' }, ...(example === undefined ? {} : { example }) },
        };
      }
    }
  }
  return document;
}
