import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { auditUncheckedLogin, checkLogin } from '../../auth/login.js';
import { LoginThrottle } from '../../auth/login-throttle.js';
import { verifyPassword } from '../../auth/passwords.js';
import { createSession, endSession, SESSION_COOKIE } from '../../auth/sessions.js';
import { setPassword, userView } from '../../auth/users.js';
import type { Config } from '../../config/schema.js';
import { isMmError, MmError } from '../../errors.js';
import { appendAudit } from '../../governance/audit-log.js';
import { permissionsOf, type Policy } from '../../governance/policy.js';
import type { Database } from '../../storage/database.js';
import type { UserTable } from '../../storage/schema.js';
import { commonErrorResponses, errorResponseSchema } from '../error-handler.js';
import { identityResponseSchema, loginBodySchema, passwordChangeBodySchema } from './auth.schema.js';

export interface AuthRoutesOptions {
  config: Config;
  database: Database;
  policy: Policy;
}

const unauthorized = { 401: errorResponseSchema.describe('MM_AUTH_REQUIRED or MM_AUTH_INVALID') };

/** Mounted at /api/v1/auth: log in and out (browser session cookie), who am I, change my password. */
export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, { config, database, policy }) => {
  const identity = (user: UserTable, by: 'session' | 'token') => ({
    user: userView(user),
    permissions: [...permissionsOf(policy, user.role)],
    authenticatedBy: by,
  });

  // One per server: failed logins per (name, address) and per account (login-throttle.ts).
  const throttle = new LoginThrottle({ maxFailures: policy.login.max_failures, lockoutMinutes: policy.login.lockout_minutes });

  app.post(
    '/login',
    {
      config: { permission: 'public', rateLimit: { max: policy.rate_limits.login_per_minute, timeWindow: 60_000 } },
      // Input refused before checkLogin saw it (input-guard.ts) is still a failed login in the audit trail.
      onError: async (request, _reply, error) => {
        if (isMmError(error) && error.code === 'MM_INPUT_NUL_BYTE') {
          const username = (request.body as { username?: unknown } | undefined)?.username;
          await auditUncheckedLogin(database.kysely, username, request.ip, error.code);
        }
      },
      schema: {
        summary: 'Log in: sets the HttpOnly, SameSite=Strict session cookie mm_session',
        tags: ['auth'],
        body: loginBodySchema,
        response: {
          200: identityResponseSchema,
          ...commonErrorResponses,
          401: errorResponseSchema.describe('MM_LOGIN_FAILED'),
          400: errorResponseSchema.describe('MM_VALIDATION, or MM_INPUT_NUL_BYTE (audited as a failed login)'),
          429: errorResponseSchema.describe('MM_LOGIN_THROTTLED or MM_RATE_LIMITED'),
        },
      },
    },
    async (request, reply) => {
      const user = await checkLogin(database.kysely, policy, request.body.username, request.body.password, { from: request.ip, throttle });
      const session = await createSession(database.kysely, policy, user.id);
      request.actor = user.username;
      reply.setCookie(SESSION_COOKIE, session.secret, {
        httpOnly: true,
        sameSite: 'strict',
        secure: config.server.secure_cookies,
        path: '/',
        maxAge: policy.sessions.absolute_hours * 3600,
      });
      return { ...identity(user, 'session'), sessionExpiresAt: session.expiresAt };
    },
  );

  app.post(
    '/logout',
    {
      config: { permission: 'authenticated', allowWithTemporaryPassword: true },
      schema: {
        summary: 'End this browser session',
        tags: ['auth'],
        response: { 204: z.null().describe('No content'), ...commonErrorResponses, ...unauthorized },
      },
    },
    async (request, reply) => {
      const secret = request.cookies[SESSION_COOKIE];
      if (secret) await endSession(database.kysely, secret);
      await appendAudit(database.kysely, { actor: request.actor, action: 'auth.logout', details: { via: request.authenticatedBy } });
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      config: { permission: 'authenticated', allowWithTemporaryPassword: true },
      schema: {
        summary: 'Who is calling, with which role and permissions',
        tags: ['auth'],
        response: { 200: identityResponseSchema, ...commonErrorResponses, ...unauthorized },
      },
    },
    async (request) => identity(request.user!, request.authenticatedBy!),
  );

  app.post(
    '/password',
    {
      config: { permission: 'authenticated', allowWithTemporaryPassword: true },
      schema: {
        summary: "Change the caller's password (ends the caller's other sessions)",
        tags: ['auth'],
        body: passwordChangeBodySchema,
        response: {
          204: z.null().describe('No content'),
          ...commonErrorResponses,
          ...unauthorized,
          403: errorResponseSchema.describe('MM_FORBIDDEN: current password wrong'),
        },
      },
    },
    async (request, reply) => {
      const user = request.user!;
      if (!(await verifyPassword(user.password_hash, request.body.currentPassword))) {
        throw new MmError('MM_FORBIDDEN', 'the current password is wrong');
      }
      if (request.body.newPassword === request.body.currentPassword) throw new MmError('MM_PASSWORD_WEAK', 'the new password must differ from the current one');
      await setPassword(database.kysely, user, request.body.newPassword, {
        oneTime: false,
        actor: request.actor,
        ...(request.sessionHash ? { keepSessionHash: request.sessionHash } : {}),
      });
      return reply.status(204).send(null);
    },
  );
};
