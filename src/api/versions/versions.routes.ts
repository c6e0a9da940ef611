import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { MmError } from '../../errors.js';
import type { Database } from '../../storage/database.js';
import { rollbackToVersion } from '../../ingest/rollback-version.js';
import { currentVersionNumber, findVersion, listVersions } from '../../versions/versions-repository.js';
import { commonErrorResponses, errorResponseSchema } from '../error-handler.js';
import { datasetVersionSchema, rollbackResponseSchema, versionListResponseSchema, versionNumberParamsSchema } from './versions.schema.js';

export interface VersionRoutesOptions {
  database: Database;
}

/** Mounted at /api/v1/versions. The repository's DatasetVersion is already the API's shape. */
export const versionRoutes: FastifyPluginAsyncZod<VersionRoutesOptions> = async (app, { database }) => {
  app.get(
    // '' not '/': the list lives at /api/v1/<resource>, without a trailing-slash twin.
    '',
    {
      config: { permission: 'data:read' },
      schema: {
        summary: 'Every dataset version, newest first, and the current one',
        tags: ['versions'],
        response: { 200: versionListResponseSchema, ...commonErrorResponses },
      },
    },
    async () => {
      const [versions, current] = await Promise.all([listVersions(database.kysely), currentVersionNumber(database.kysely)]);
      return { current, versions };
    },
  );

  app.get(
    '/:number',
    {
      config: { permission: 'data:read' },
      schema: {
        summary: 'One dataset version',
        tags: ['versions'],
        params: versionNumberParamsSchema,
        response: { 200: datasetVersionSchema, ...commonErrorResponses, 404: errorResponseSchema.describe('MM_VERSION_NOT_FOUND') },
      },
    },
    async (request) => {
      const version = await findVersion(database.kysely, request.params.number);
      if (!version) throw new MmError('MM_VERSION_NOT_FOUND', `Version ${request.params.number} does not exist.`);
      return version;
    },
  );

  app.post(
    '/:number/rollback',
    {
      config: { permission: 'data:delete' },
      schema: {
        summary: 'Put the data back as it was at this version (0: before the first import)',
        tags: ['versions'],
        params: versionNumberParamsSchema,
        response: {
          200: rollbackResponseSchema,
          ...commonErrorResponses,
          404: errorResponseSchema.describe('MM_VERSION_NOT_FOUND'),
          409: errorResponseSchema.describe('MM_VERSION_ROLLBACK: already at or before this version, or it was rolled back'),
        },
      },
    },
    async (request) => rollbackToVersion(database.kysely, request.params.number, request.actor),
  );
};
