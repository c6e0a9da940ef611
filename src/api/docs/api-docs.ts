import { readFileSync } from 'node:fs';
import fastifySwagger, { type SwaggerTransform } from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform } from 'fastify-type-provider-zod';
import { SESSION_COOKIE } from '../../auth/sessions.js';

/** A request body described for the OpenAPI document only (routes that read their body as a stream). */
export interface OpenApiRequestBody {
  content: Record<string, { schema: Record<string, unknown> }>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Documents a body the route validates itself; see `importUploadRequestBody`. */
    openapiRequestBody?: OpenApiRequestBody;
  }
}

export const docsPrefix = '/docs';

/**
 * How a caller proves who it is (auth-hook.ts): an API token as a bearer token, or the
 * session cookie that POST /api/v1/auth/login sets. Declared so Swagger UI's "Authorize"
 * can send either; every route that needs a caller lists both as alternatives.
 */
export const securitySchemes = {
  bearerToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'mmt_<id>_<secret>',
    description: 'An API token (`moatmetrics token create`, POST /api/v1/tokens).',
  },
  sessionCookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The session cookie set by POST /api/v1/auth/login.' },
} as const;
const authenticatedSecurity: Array<Record<string, string[]>> = [{ bearerToken: [] }, { sessionCookie: [] }];

const packageVersion = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * OpenAPI from the routes' zod schemas, served as JSON at `/docs/json` and as Swagger UI
 * at `/docs`. Must be registered before the routes it describes.
 */
export function registerApiDocs(app: FastifyInstance, options: { behindTls: boolean } = { behindTls: false }): void {
  const zodTransform = createJsonSchemaTransform({});
  const transform: SwaggerTransform = (input) => {
    const result = zodTransform(input as Parameters<typeof zodTransform>[0]);
    const requestBody = input.route.config?.openapiRequestBody;
    // Public routes (health, docs, login) need no credentials: an empty list says so.
    const security = input.route.config?.permission === 'public' ? [] : authenticatedSecurity;
    return { ...result, schema: { ...(result.schema ?? {}), security, ...(requestBody ? { body: requestBody } : {}) } };
  };
  app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'MoatMetrics API',
        description: 'Self-hosted analytics for managed service providers. Every error has the shape { error: { code, message, details? } }.',
        version: packageVersion,
      },
      components: { securitySchemes },
    },
    transform,
  });
  app.register(async (docs) => {
    // The UI's own routes (pages, assets, the document) are public like the document itself.
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, permission: route.config?.permission ?? 'public' };
    });
    // staticCSP: the UI's pages carry a Content-Security-Policy that allows exactly their own scripts and styles (helmet sets one everywhere).
    await docs.register(fastifySwaggerUi, {
      routePrefix: docsPrefix,
      staticCSP: true,
      // Over plain HTTP, `upgrade-insecure-requests` would send the page's scripts to https.
      transformStaticCSP: (header) => (options.behindTls ? header : header.replace(/\s*upgrade-insecure-requests;?/, '')),
    });
  });
}
