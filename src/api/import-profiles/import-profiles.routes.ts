import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { clientScopeOf } from '../../auth/client-scope.js';
import { MmError } from '../../errors.js';
import { headerRowOfText } from '../../ingest/header-row.js';
import { listProfiles, proposeProfile, removeImportProfile, saveImportProfile, type StoredImportProfile } from '../../ingest/import-profiles.js';
import type { Database } from '../../storage/database.js';
import type { UserTable } from '../../storage/schema.js';
import { commonErrorResponses, errorResponseSchema } from '../error-handler.js';
import {
  importProfileBodySchema,
  importProfileListQuerySchema,
  importProfileListSchema,
  importProfileNameParamsSchema,
  importProfileProposalSchema,
  importProfileSchema,
} from './import-profiles.schema.js';

export interface ImportProfileRoutesOptions {
  database: Database;
}

/**
 * Mounted at /api/v1/import-profiles: mapping profiles for headers no preset knows
 * (docs/IMPORTING.md, "Mapping profiles"). Reading them is `data:read`; proposing, saving
 * and removing are part of importing (`data:import`), and saving and removing are audited in
 * the change's own transaction (ingest/import-profiles.ts).
 */
export const importProfileRoutes: FastifyPluginAsyncZod<ImportProfileRoutesOptions> = async (app, { database }) => {
  app.get(
    // '' not '/': the list lives at /api/v1/<resource>, without a trailing-slash twin.
    '',
    {
      config: { permission: 'data:read' },
      schema: {
        summary: 'The saved mapping profiles',
        tags: ['imports'],
        querystring: importProfileListQuerySchema,
        response: { 200: importProfileListSchema, ...commonErrorResponses },
      },
    },
    async (request) => ({ profiles: (await listProfiles(database.kysely, request.query.dataset)).map(present) }),
  );

  app.post(
    '',
    {
      config: { permission: 'data:import' },
      schema: {
        summary: 'Propose a mapping of a header onto a dataset (fuzzy match); with `name`, save it as a profile',
        description:
          'Send the header row (or the first lines of the file) as `text`. Without `name` the proposal comes back (200) and nothing is written; ' +
          'with `name` it is saved, with `overrides` applied, and used for the next import of a file with that header (201).',
        tags: ['imports'],
        body: importProfileBodySchema,
        response: {
          200: importProfileProposalSchema,
          201: importProfileProposalSchema,
          ...commonErrorResponses,
          403: errorResponseSchema.describe('MM_FORBIDDEN: a client-scoped user cannot save profiles'),
          409: errorResponseSchema.describe('MM_PROFILE_EXISTS'),
        },
      },
    },
    async (request, reply) => {
      const { dataset, text, name, overrides } = request.body;
      const header = headerRowOfText(text, 'text');
      const proposal = proposeProfile(dataset, header.cells, overrides ?? []);
      if (name === undefined) return { header, proposal, saved: null };
      requireUnscoped(request.user);
      const saved = await saveImportProfile(database.kysely, { name, header: header.cells, proposal, actor: request.actor });
      return reply.status(201).send({ header, proposal, saved: present(saved) });
    },
  );

  app.delete(
    '/:name',
    {
      config: { permission: 'data:import' },
      schema: {
        summary: 'Remove a mapping profile: files with its header are no longer read with it',
        tags: ['imports'],
        params: importProfileNameParamsSchema,
        response: {
          200: importProfileSchema,
          ...commonErrorResponses,
          403: errorResponseSchema.describe('MM_FORBIDDEN: a client-scoped user cannot remove profiles'),
          404: errorResponseSchema.describe('MM_PROFILE_NOT_FOUND'),
        },
      },
    },
    async (request) => {
      requireUnscoped(request.user);
      return present(await removeImportProfile(database.kysely, { name: request.params.name, actor: request.actor }));
    },
  );
};

/** The fields a profile shows, listed. */
function present(profile: StoredImportProfile) {
  const { name, dataset, signature, mapping, createdBy, createdAt } = profile;
  return { name, dataset, signature, mapping, createdBy, createdAt };
}

/** A profile applies to every client's imports: saving or removing one is not a scoped user's to do. */
function requireUnscoped(user: UserTable | null): void {
  if (clientScopeOf(user) !== null) throw new MmError('MM_FORBIDDEN', 'a client-scoped user cannot change mapping profiles: they apply to every import');
}
