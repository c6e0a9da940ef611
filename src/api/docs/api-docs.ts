import { readFileSync } from 'node:fs';
import fastifySwagger, { type SwaggerTransform } from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform } from 'fastify-type-provider-zod';

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
    if (!requestBody || !result.schema) return result;
    return { ...result, schema: { ...result.schema, body: requestBody } };
  };
  app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'MoatMetrics API',
        description: 'Self-hosted analytics for managed service providers. Every error has the shape { error: { code, message, details? } }.',
        version: packageVersion,
      },
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
