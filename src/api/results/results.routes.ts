import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { findResult, listResults, resultInScope } from '../../analytics/results-repository.js';
import { clientScopeOf } from '../../auth/client-scope.js';
import type { Config } from '../../config/schema.js';
import { MmError } from '../../errors.js';
import { auditDataRead } from '../../governance/data-reads.js';
import type { Database } from '../../storage/database.js';
import { withDemoFlag } from '../analytics/analytics.schema.js';
import { demoDataPresent } from '../../ingest/demo-data-repository.js';
import { commonErrorResponses, errorResponseSchema } from '../error-handler.js';
import { presentResult, presentResultWithDetail } from './results.presenter.js';
import { listResultsQuerySchema, resultIdParamsSchema, resultListResponseSchema, resultResponseSchema } from './results.schema.js';

export interface ResultRoutesOptions {
  config: Config;
  database: Database;
}

/** Mounted at /api/v1/results: the reviewable results analysis runs stored, with their current review status. */
export const resultRoutes: FastifyPluginAsyncZod<ResultRoutesOptions> = async (app, { config, database }) => {
  const currency = config.display.currency;
  app.get(
    // '' not '/': the list lives at /api/v1/<resource>, without a trailing-slash twin.
    '',
    {
      config: { permission: 'data:read' },
      schema: {
        summary: 'Stored analysis results, newest first, by review status, kind, subject or dataset version',
        tags: ['results'],
        querystring: listResultsQuerySchema,
        response: { 200: withDemoFlag(resultListResponseSchema), ...commonErrorResponses },
      },
    },
    async (request) => {
      const { status, kind, subject, version, limit, offset } = request.query;
      const { results, total } = await listResults(
        database.kysely,
        { status, kind, subject, datasetVersion: version, clientScope: clientScopeOf(request.user) },
        { limit, offset },
      );
      auditDataRead(database.kysely, {
        actor: request.actor,
        what: 'results.list',
        via: 'GET /api/v1/results',
        filters: { status, kind, subject, version, limit, offset },
        datasetVersion: version ?? null,
      });
      return { currency, demo: await demoDataPresent(database.kysely), results: results.map(presentResult), total, limit, offset };
    },
  );

  app.get(
    '/:id',
    {
      config: { permission: 'data:read' },
      schema: {
        summary: 'One stored result with its detail',
        tags: ['results'],
        params: resultIdParamsSchema,
        response: { 200: withDemoFlag(resultResponseSchema), ...commonErrorResponses, 404: errorResponseSchema.describe('MM_NOT_FOUND') },
      },
    },
    async (request) => {
      const result = await findResult(database.kysely, request.params.id);
      if (!result || !resultInScope(result, clientScopeOf(request.user))) {
        throw new MmError('MM_NOT_FOUND', `Result ${request.params.id} does not exist.`);
      }
      auditDataRead(database.kysely, {
        actor: request.actor,
        what: 'result',
        via: 'GET /api/v1/results/:id',
        target: result.id,
        datasetVersion: result.datasetVersion,
      });
      return { currency, demo: await demoDataPresent(database.kysely), ...presentResultWithDetail(result) };
    },
  );
};
