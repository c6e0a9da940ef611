import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { clientScopeOf } from '../../auth/client-scope.js';
import { MmError } from '../../errors.js';
import { confirmClientName, listUnmappedClientNames, mapClientName, unmapClientName } from '../../ingest/client-aliases.js';
import type { Database } from '../../storage/database.js';
import type { UserTable } from '../../storage/schema.js';
import { commonErrorResponses, errorResponseSchema } from '../error-handler.js';
import { clientAliasBodySchema, clientAliasDecisionSchema, clientAliasNameParamsSchema, unmappedClientNamesSchema } from './clients.schema.js';

export interface ClientRoutesOptions {
  database: Database;
}

/**
 * Mounted at /api/v1/clients: client names the imports met without an exact match
 * (docs/IMPORTING.md, "Client names across sources"). Changing them is part of importing
 * (`data:import`); every change is audited in its own transaction (ingest/client-aliases.ts).
 */
export const clientRoutes: FastifyPluginAsyncZod<ClientRoutesOptions> = async (app, { database }) => {
  const decisionResponses = {
    200: clientAliasDecisionSchema,
    ...commonErrorResponses,
    403: errorResponseSchema.describe('MM_FORBIDDEN: a client-scoped user cannot change client names'),
    404: errorResponseSchema.describe('MM_CLIENT_NOT_FOUND or MM_CLIENT_NAME_NOT_FOUND'),
    409: errorResponseSchema.describe('MM_CLIENT_NAME_CONFLICT'),
  };

  app.get(
    '/unmapped',
    {
      config: { permission: 'data:read' },
      schema: {
        summary: 'Client names matched automatically (to confirm) and names no client was found for, with the closest clients',
        tags: ['clients'],
        response: { 200: unmappedClientNamesSchema, ...commonErrorResponses },
      },
    },
    async (request) => {
      const listed = await listUnmappedClientNames(database.kysely);
      const scope = clientScopeOf(request.user);
      if (scope === null) return listed;
      // An unmapped name may belong to any client: a scoped user sees only matches to their own.
      return { automatic: listed.automatic.filter((a) => scope.includes(a.client.clientId)), unmapped: [] };
    },
  );

  app.post(
    '/aliases',
    {
      config: { permission: 'data:import' },
      schema: {
        summary: 'Map a client name to a client (a confirmed alias): rows rejected for it load when the file is imported again',
        tags: ['clients'],
        body: clientAliasBodySchema,
        response: decisionResponses,
      },
    },
    async (request) => {
      requireUnscoped(request.user);
      return mapClientName(database.kysely, { name: request.body.name, to: request.body.clientId, actor: request.actor });
    },
  );

  app.post(
    '/aliases/:name/confirm',
    {
      config: { permission: 'data:import' },
      schema: {
        summary: 'Confirm an automatic match: the name stays with the client it matched',
        tags: ['clients'],
        params: clientAliasNameParamsSchema,
        response: decisionResponses,
      },
    },
    async (request) => {
      requireUnscoped(request.user);
      return confirmClientName(database.kysely, { name: request.params.name, actor: request.actor });
    },
  );

  app.delete(
    '/aliases/:name',
    {
      config: { permission: 'data:import' },
      schema: {
        summary: 'Unmap a client name: it is none of the clients it looks like, and is no longer matched automatically',
        tags: ['clients'],
        params: clientAliasNameParamsSchema,
        response: decisionResponses,
      },
    },
    async (request) => {
      requireUnscoped(request.user);
      return unmapClientName(database.kysely, { name: request.params.name, actor: request.actor });
    },
  );
};

/** A client name is shared by every client's imports: deciding about it is not a scoped user's to do. */
function requireUnscoped(user: UserTable | null): void {
  if (clientScopeOf(user) !== null) throw new MmError('MM_FORBIDDEN', 'a client-scoped user cannot change client names: they apply to every client');
}
