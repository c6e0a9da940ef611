import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from '../config/schema.js';
import type { Database } from '../storage/database.js';
import { analyticsRoutes } from './analytics/analytics.routes.js';
import { installAuthHook } from './auth-hook.js';
import { registerApiDocs } from './docs/api-docs.js';
import { createErrorHandler, handleNotFound } from './error-handler.js';
import { healthRoutes } from './health/health.routes.js';
import { importRoutes } from './imports/imports.routes.js';
import { resultRoutes } from './results/results.routes.js';
import { versionRoutes } from './versions/versions.routes.js';

export interface BuildAppOptions {
  config: Config;
  /** Opened (and migrated) by the caller, which also closes it. */
  database: Database;
  /** Fastify's logger option: false (default) for tests, pino options for the server. */
  logger?: FastifyServerOptions['logger'];
}

/**
 * The HTTP API, built but not listening: `serve` calls `listen`, tests call `inject`.
 * Every route and its permission is listed in `app.routePermissions` once the app is ready.
 */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config, database } = options;
  const app = Fastify({ logger: options.logger ?? false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(createErrorHandler({ uploadLimitMb: config.server.upload_limit_mb }));
  app.setNotFoundHandler(handleNotFound);
  installAuthHook(app);

  registerApiDocs(app);
  app.register(healthRoutes, { database });
  app.register(importRoutes, { prefix: '/api/v1/imports', config, database });
  app.register(versionRoutes, { prefix: '/api/v1/versions', database });
  app.register(analyticsRoutes, { prefix: '/api/v1/analytics', config, database });
  app.register(resultRoutes, { prefix: '/api/v1/results', database });
  return app;
}
