import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { resolveApiToken } from '../auth/api-tokens.js';
import { resolveSession, SESSION_COOKIE } from '../auth/sessions.js';
import { MmError } from '../errors.js';
import { permissions, permissionsOf, type Permission, type Policy } from '../governance/policy.js';
import type { Database } from '../storage/database.js';
import type { UserTable } from '../storage/schema.js';

/**
 * What a route needs from its caller, declared in `config.permission` on every route:
 * `public` (health, docs, login), `authenticated` (any logged-in user: who am I, log out,
 * change my password, my tokens), or one of the policy's permissions (DESIGN section 7).
 */
export const routePermissions = ['public', 'authenticated', ...permissions] as const;

export type RoutePermission = (typeof routePermissions)[number];

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: RoutePermission;
    /** The route stays usable while the caller must change a password someone else set. */
    allowWithTemporaryPassword?: boolean;
    /** On a public route: identify a caller who sends valid credentials (to answer it more), treat anyone else as anonymous. */
    identifyIfPresent?: boolean;
  }
  interface FastifyRequest {
    /** Who is calling: the user name, or `anonymous` on public routes. */
    actor: string;
    /** The authenticated user (null on public routes). */
    user: UserTable | null;
    /** How the caller proved who it is. */
    authenticatedBy: 'session' | 'token' | null;
    /** Hash of the session the request came with (to keep it when the password changes). */
    sessionHash: string | null;
  }
  interface FastifyInstance {
    /** Every route and the permission it declared, in registration order (HEAD twins included). */
    routePermissions: RoutePermissionEntry[];
  }
}

export interface RoutePermissionEntry {
  method: string;
  url: string;
  /** As declared; not necessarily valid (the app refuses to start if one is not). */
  permission: unknown;
}

export function isRoutePermission(value: unknown): value is RoutePermission {
  return typeof value === 'string' && (routePermissions as readonly string[]).includes(value);
}

export interface AuthHookOptions {
  database: Database;
  policy: Policy;
  /** `server.cors_origins`: other origins whose pages may send state-changing requests with the session cookie. */
  allowedOrigins?: readonly string[];
}

/**
 * Identifies the caller — a bearer API token, else the session cookie — then refuses unless
 * the route is public, or the caller's role grants the route's permission. A credential that
 * is present but not valid (expired, revoked, ended) is refused even where another could
 * have been used: a client should learn its token stopped working.
 */
export function createAuthenticate({ database, policy, allowedOrigins = [] }: AuthHookOptions) {
  const trustedOrigins = new Set(allowedOrigins.map((origin) => new URL(origin).origin));
  /** Never refuses: bad, expired or unverifiable (database down) credentials leave the caller anonymous. */
  async function identifyQuietly(request: FastifyRequest): Promise<void> {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    const cookie = request.cookies?.[SESSION_COOKIE];
    try {
      const resolved = bearer ? await resolveApiToken(database.kysely, bearer[1]!) : cookie ? await resolveSession(database.kysely, policy, cookie) : null;
      if (!resolved) return;
      request.user = resolved.user;
      request.authenticatedBy = bearer ? 'token' : 'session';
      request.actor = resolved.user.username;
    } catch (error) {
      request.log.warn({ err: error }, 'could not identify the caller of a public route');
    }
  }

  return async function authenticate(request: FastifyRequest): Promise<void> {
    const config = request.routeOptions.config;
    const permission = config.permission;
    // No permission: no route matched, and the not-found answer needs no identity.
    if (permission === 'public' || permission === undefined) {
      request.actor = 'anonymous';
      if (permission === 'public' && config.identifyIfPresent) await identifyQuietly(request);
      return;
    }
    const authorization = request.headers.authorization;
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      const resolved = match ? await resolveApiToken(database.kysely, match[1]!) : null;
      if (!resolved) throw new MmError('MM_AUTH_INVALID', 'the API token is not valid: unknown, expired or revoked (send Authorization: Bearer mmt_…)');
      request.user = resolved.user;
      request.authenticatedBy = 'token';
    } else if (cookie) {
      const resolved = await resolveSession(database.kysely, policy, cookie);
      if (!resolved) throw new MmError('MM_AUTH_INVALID', 'the session has ended (timed out, logged out or the password changed); log in again');
      request.user = resolved.user;
      request.sessionHash = resolved.sessionHash;
      request.authenticatedBy = 'session';
      refuseCrossSite(request, trustedOrigins);
    } else {
      throw new MmError('MM_AUTH_REQUIRED', 'log in first (POST /api/v1/auth/login) or send an API token (Authorization: Bearer mmt_…)');
    }
    const user = request.user;
    request.actor = user.username;
    if (user.must_change_password === 1 && !config.allowWithTemporaryPassword) {
      throw new MmError(
        'MM_PASSWORD_CHANGE_REQUIRED',
        `'${user.username}' still has a password someone else set; change it first (POST /api/v1/auth/password)`,
      );
    }
    if (permission === 'authenticated') return;
    if (!permissionsOf(policy, user.role).has(permission as Permission)) {
      throw new MmError(
        'MM_FORBIDDEN',
        `role '${user.role}' does not have the permission '${permission}' that ${request.method} ${request.routeOptions.url} needs`,
        {
          role: user.role,
          permission,
        },
      );
    }
  };
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request forgery: the session cookie is SameSite=Strict, but "site" is the
 * registrable domain, so a page on another port or subdomain of the same host (a different
 * origin) still gets the cookie sent with its forms. A state-changing request that comes with
 * the cookie must therefore come from this server's own origin or a `server.cors_origins`
 * one: judged by `Origin` (every browser sends it on POST, PUT, PATCH and DELETE), else by
 * `Sec-Fetch-Site`. A request with neither header is not from a browser — nothing a page can
 * make a browser send omits both — so scripts holding a cookie keep working. Bearer tokens are
 * never sent by a browser on its own and are exempt. Design: docs/SECURITY.md, "Issue 8".
 */
function refuseCrossSite(request: FastifyRequest, trustedOrigins: ReadonlySet<string>): void {
  if (safeMethods.has(request.method)) return;
  const origin = request.headers.origin;
  if (origin !== undefined) {
    if (isOwnOrigin(origin, request) || trustedOrigins.has(origin)) return;
    const page = origin.slice(0, 100);
    const why = `${request.method} with the session cookie from the page origin '${page}' is refused`;
    const message = `${why}: only pages of this server (or server.cors_origins) may change data with it`;
    throw new MmError('MM_CROSS_ORIGIN', message, { origin: page });
  }
  const site = request.headers['sec-fetch-site'];
  if (site === undefined || site === 'same-origin' || site === 'none') return;
  const secFetchSite = String(site).slice(0, 20);
  const message = `${request.method} with the session cookie from another site (Sec-Fetch-Site: ${secFetchSite}) is refused`;
  throw new MmError('MM_CROSS_ORIGIN', message, { secFetchSite });
}

/** The Origin names the host (and port) this request was sent to — as the client or a trusted proxy says. */
function isOwnOrigin(origin: string, request: FastifyRequest): boolean {
  try {
    const page = new URL(origin);
    // Parsed with the page's scheme so default ports compare equal (`http://mm` and Host `mm:80`).
    return new URL(`${page.protocol}//${request.host}`).host === page.host;
  } catch {
    // `null` (sandboxed pages, some redirects) and anything unparsable are not this server.
    return false;
  }
}

/**
 * Installs authentication on the root instance, collects every route's permission into
 * `app.routePermissions` (the route × role test walks it), and makes a route without a
 * valid permission a start-up error, so a forgotten declaration can never become an
 * unguarded route.
 *
 * Runs as an onRequest hook: before the body is read, so a refused caller never costs an
 * upload. Routes are read at `onReady`, not in `onRoute`: plugins (the docs) mark their
 * routes in their own onRoute hooks, which run after this root one.
 */
export function installAuthHook(app: FastifyInstance, options: AuthHookOptions): void {
  app.decorateRequest('actor', '');
  app.decorateRequest('user', null);
  app.decorateRequest('authenticatedBy', null);
  app.decorateRequest('sessionHash', null);
  const routes: RouteOptions[] = [];
  const table: RoutePermissionEntry[] = [];
  app.decorate('routePermissions', table);
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  app.addHook('onReady', async () => {
    table.length = 0;
    for (const route of routes) {
      for (const method of [route.method].flat()) table.push({ method, url: route.url, permission: route.config?.permission });
    }
    const undeclared = table.filter((entry) => !isRoutePermission(entry.permission));
    if (undeclared.length > 0) {
      const names = undeclared.map((entry) => `${entry.method} ${entry.url}`).join(', ');
      throw new Error(`routes without a valid config.permission (one of ${routePermissions.join(', ')}): ${names}`);
    }
  });
  app.addHook('onRequest', createAuthenticate(options));
}
