import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';

/**
 * What a route needs from its caller. Every route declares one in `config.permission`;
 * `public` routes (health, docs) need no identity. Names follow the policy file's
 * `resource:action` style (DESIGN section 7) so the auth issue can map roles onto them.
 */
export const routePermissions = ['public', 'data:read', 'data:import', 'data:rollback', 'analytics:run', 'results:read'] as const;

export type RoutePermission = (typeof routePermissions)[number];

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: RoutePermission;
  }
  interface FastifyRequest {
    /** Who is calling: a user name once authentication exists; `anonymous` until then. */
    actor: string;
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

/**
 * The authentication hook point. Runs before every handler, after the body parser has
 * been chosen but before an upload is read (the import route reads its body itself),
 * so a refused caller never costs a disk write.
 *
 * Until authentication exists every caller is `anonymous`; the auth issue replaces this
 * with: identify the caller (session or bearer token), then refuse unless its role grants
 * `request.routeOptions.config.permission`.
 */
export async function authenticate(request: FastifyRequest): Promise<void> {
  request.actor = 'anonymous';
}

/**
 * Installs the hook on the root instance, collects every route's permission into
 * `app.routePermissions` (for the policy check the auth issue adds, and for tests), and
 * makes a route without a valid permission a start-up error, so a forgotten declaration
 * can never become an unguarded route.
 *
 * Routes are read at `onReady`, not in `onRoute`: plugins (the docs) mark their routes in
 * their own onRoute hooks, which run after this root one.
 */
export function installAuthHook(app: FastifyInstance): void {
  app.decorateRequest('actor', '');
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
  app.addHook('preHandler', authenticate);
}
