import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createApiToken, listApiTokens, revokeApiToken } from '../../auth/api-tokens.js';
import { MmError } from '../../errors.js';
import { permissionsOf, type Policy } from '../../governance/policy.js';
import type { Database } from '../../storage/database.js';
import { commonErrorResponses, errorResponseSchema } from '../error-handler.js';
import { apiTokenSchema, createdTokenResponseSchema, createTokenBodySchema, tokenIdParamsSchema, tokenListResponseSchema } from './tokens.schema.js';

export interface TokenRoutesOptions {
  database: Database;
  policy: Policy;
}

/**
 * Mounted at /api/v1/tokens: the caller's own API tokens. A token acts with its user's role;
 * users:manage may also revoke anyone's.
 */
export const tokenRoutes: FastifyPluginAsyncZod<TokenRoutesOptions> = async (app, { database, policy }) => {
  app.get(
    '',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: "The caller's API tokens (never their secrets)",
        tags: ['tokens'],
        response: { 200: tokenListResponseSchema, ...commonErrorResponses },
      },
    },
    async (request) => ({ tokens: await listApiTokens(database.kysely, request.user!.id) }),
  );

  app.post(
    '',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'Create an API token for the caller (the secret is returned once); needs a logged-in session, not a token',
        tags: ['tokens'],
        body: createTokenBodySchema,
        response: {
          201: createdTokenResponseSchema,
          ...commonErrorResponses,
          403: errorResponseSchema.describe('MM_SESSION_REQUIRED: called with an API token'),
        },
      },
    },
    async (request, reply) => {
      // A token that could mint tokens could outlive its own expiry and revocation (and a
      // password reset) through its children: only a person who proved the password may.
      if (request.authenticatedBy === 'token') {
        throw new MmError(
          'MM_SESSION_REQUIRED',
          'an API token cannot create API tokens: log in with your password (POST /api/v1/auth/login) or use `moatmetrics token create`',
        );
      }
      const created = await createApiToken(database.kysely, policy, request.user!, {
        name: request.body.name,
        actor: request.actor,
        ...(request.body.days ? { days: request.body.days } : {}),
      });
      return reply.status(201).send({ token: created.token, details: created.view });
    },
  );

  app.delete(
    '/:id',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'Revoke a token (your own; any with users:manage)',
        tags: ['tokens'],
        params: tokenIdParamsSchema,
        response: { 200: apiTokenSchema, ...commonErrorResponses, 404: errorResponseSchema.describe('MM_TOKEN_NOT_FOUND') },
      },
    },
    async (request) => {
      const user = request.user!;
      const owner = permissionsOf(policy, user.role).has('users:manage') ? null : user.id;
      return revokeApiToken(database.kysely, request.params.id, owner, request.actor);
    },
  );
};
