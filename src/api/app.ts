import fastifyCookie from '@fastify/cookie';
import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Config, TrustProxy } from '../config/schema.js';
import { MmError } from '../errors.js';
import { loadPolicy, type Policy } from '../governance/policy.js';
import { flushLastUse } from '../auth/last-use-repository.js';
import { flushQueuedAudit } from '../governance/audit-log.js';
import { flushSecurityEvents, recordSecurityEvent, securityKindOf } from '../governance/security-events.js';
import type { Database } from '../storage/database.js';
import { analyticsRoutes } from './analytics/analytics.routes.js';
import { askRoutes } from './ask/ask.routes.js';
import { auditRoutes } from './audit/audit.routes.js';
import { authRoutes } from './auth/auth.routes.js';
import { complianceRoutes } from './compliance/compliance.routes.js';
import { installAuthHook } from './auth-hook.js';
import { registerApiDocs } from './docs/api-docs.js';
import { answerClientError, createErrorHandler, handleNotFound } from './error-handler.js';
import { healthRoutes } from './health/health.routes.js';
import { importRoutes } from './imports/imports.routes.js';
import { clientRoutes } from './clients/clients.routes.js';
import { importProfileRoutes } from './import-profiles/import-profiles.routes.js';
import { installInputGuard, requestTarget, routeFrameworkErrors, visible } from './input-guard.js';
import { metricsRoutes } from './metrics/metrics.routes.js';
import { resultRoutes } from './results/results.routes.js';
import { reviewRoutes } from './reviews/reviews.routes.js';
import { tokenRoutes } from './tokens/tokens.routes.js';
import { userRoutes } from './users/users.routes.js';
import { versionRoutes } from './versions/versions.routes.js';

export interface BuildAppOptions {
  config: Config;
  /** Opened (and migrated) by the caller, which also closes it. */
  database: Database;
  /** Fastify's logger option: false (default) for tests, pino options for the server. */
  logger?: FastifyServerOptions['logger'];
  /** The access policy; default: loaded from `config.policy_file` / config/policies/default.yaml. */
  policy?: Policy;
}

/**
 * The HTTP API, built but not listening: `serve` calls `listen`, tests call `inject`.
 * Every route and its permission is listed in `app.routePermissions` once the app is ready.
 */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { database } = options;
  const policy = options.policy ?? loadPolicy(options.config.policy_file).policy;
  // The policy may lower the upload limit the configuration allows, never raise it.
  const config = {
    ...options.config,
    server: { ...options.config.server, upload_limit_mb: Math.min(options.config.server.upload_limit_mb, policy.uploads.max_mb) },
  };
  // Behind a trusted proxy request.ip is the client's address (X-Forwarded-For): rate limits,
  // the login back-off and security events key on it.
  const app: FastifyInstance = Fastify({
    logger: options.logger ?? false,
    trustProxy: fastifyTrustProxy(config.server.trust_proxy),
    // Errors Fastify and Node would answer themselves, in their own shape and without security headers.
    frameworkErrors: routeFrameworkErrors(() => app),
    clientErrorHandler: answerClientError,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(
    createErrorHandler({
      uploadLimitMb: config.server.upload_limit_mb,
      onRefused: async (error, request) => {
        const kind = securityKindOf(error.code);
        if (!kind) return;
        const named = kind === 'login_refused' ? (request.body as { username?: unknown } | undefined)?.username : undefined;
        const actor = request.user?.username ?? (typeof named === 'string' && named !== '' ? visible(named).slice(0, 100) : null);
        const detail = visible(`${error.code}: ${error.message}`);
        // A NUL may be what was refused, in the address too (X-Forwarded-For from a trusted proxy).
        const [ip, route] = [visible(request.ip), requestTarget(request)];
        await recordSecurityEvent(database.kysely, { kind, actor, ip, method: request.method, route, detail });
      },
    }),
  );
  // Queued security events reach the table before the database is closed.
  app.addHook('onClose', async () => {
    await flushSecurityEvents(database.kysely);
    await flushLastUse(database.kysely);
    await flushQueuedAudit(database.kysely);
  });
  app.setNotFoundHandler(handleNotFound);
  // Security headers on every answer; the API docs page gets a CSP with hashes for its own scripts.
  await app.register(fastifyHelmet, {
    global: true,
    // Behind TLS browsers should upgrade every request; over plain HTTP on this machine the
    // upgrade would point the docs page's own scripts at an https:// that is not there.
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: config.server.secure_cookies ? [] : null } },
  });
  // No cross-origin browser access unless origins are configured.
  await app.register(fastifyCors, { origin: config.server.cors_origins.length > 0 ? config.server.cors_origins : false, credentials: true });
  await app.register(fastifyRateLimit, {
    // Applied below as a root hook rather than per route: the plugin's route hooks run after
    // every root hook, so a request refused by authentication was never counted.
    global: false,
    max: policy.rate_limits.api_per_minute,
    timeWindow: 60_000,
    errorResponseBuilder: (_request, context) =>
      new MmError('MM_RATE_LIMITED', `too many requests: at most ${context.max} a minute from one address; try again in ${Math.ceil(context.ttl / 1000)} s`, {
        retryAfterSeconds: Math.ceil(context.ttl / 1000),
      }),
  });
  const apiRateLimit = app.rateLimit();
  app.addHook('onRequest', async (request, reply) => {
    // A route with its own `config.rateLimit` gets that instead (login), or none (`false`: the health probes).
    if (request.routeOptions.config.rateLimit !== undefined) return;
    await apiRateLimit.call(app, request, reply);
  });
  // After the rate limit (it bounds the security events this records), before authentication.
  installInputGuard(app, { database });
  // Cookies are parsed in an onRequest hook registered before authentication's.
  await app.register(fastifyCookie);
  installAuthHook(app, { database, policy, allowedOrigins: config.server.cors_origins });

  registerApiDocs(app, { behindTls: config.server.secure_cookies });
  app.register(healthRoutes, { database });
  app.register(metricsRoutes);
  app.register(importRoutes, { prefix: '/api/v1/imports', config, database });
  app.register(versionRoutes, { prefix: '/api/v1/versions', database });
  app.register(clientRoutes, { prefix: '/api/v1/clients', database });
  app.register(importProfileRoutes, { prefix: '/api/v1/import-profiles', database });
  app.register(analyticsRoutes, { prefix: '/api/v1/analytics', config, database, policy });
  app.register(askRoutes, { prefix: '/api/v1/ask', config, database, policy });
  app.register(resultRoutes, { prefix: '/api/v1/results', config, database });
  app.register(authRoutes, { prefix: '/api/v1/auth', config, database, policy });
  app.register(userRoutes, { prefix: '/api/v1/users', database, policy });
  app.register(tokenRoutes, { prefix: '/api/v1/tokens', database, policy });
  app.register(auditRoutes, { prefix: '/api/v1/audit', database });
  app.register(reviewRoutes, { prefix: '/api/v1/reviews', config, database, policy });
  app.register(complianceRoutes, { prefix: '/api/v1/compliance', config, database, policy });
  return app;
}

/**
 * A hop count as a function: Fastify itself no longer honours a number (it cannot check that
 * the nearest hop is a proxy, so it trusts none). Like `true` it believes whoever connects,
 * which is why the docs ask for it only when nothing but the proxy can reach the server.
 */
function fastifyTrustProxy(setting: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}
