import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listResults } from '../../analytics/results-repository.js';
import { clientScopeOf } from '../../auth/client-scope.js';
import type { Config } from '../../config/schema.js';
import type { Policy } from '../../governance/policy.js';
import { decideResult } from '../../analytics/reviews.js';
import { auditDataRead } from '../../governance/data-reads.js';
import type { Database } from '../../storage/database.js';
import { withDemoFlag } from '../analytics/analytics.schema.js';
import { demoDataPresent } from '../../ingest/demo-data-repository.js';
import { commonErrorResponses, errorResponseSchema } from '../error-handler.js';
import { presentResult, presentResultWithDetail } from '../results/results.presenter.js';
import { resultIdParamsSchema, resultListResponseSchema, resultResponseSchema } from '../results/results.schema.js';
import { reviewDecisionBodySchema, reviewQueueQuerySchema } from './reviews.schema.js';

export interface ReviewRoutesOptions {
  config: Config;
  database: Database;
  policy: Policy;
}

/** Mounted at /api/v1/reviews: the review queue and the reviewers' decisions (results:review). */
export const reviewRoutes: FastifyPluginAsyncZod<ReviewRoutesOptions> = async (app, { config, database, policy }) => {
  const currency = config.display.currency;
  app.get(
    '',
    {
      config: { permission: 'results:review' },
      schema: {
        summary: 'Results by review status (default: pending), newest first',
        tags: ['reviews'],
        querystring: reviewQueueQuerySchema,
        response: { 200: withDemoFlag(resultListResponseSchema), ...commonErrorResponses },
      },
    },
    async (request) => {
      const { status, kind, limit, offset } = request.query;
      const { results, total } = await listResults(database.kysely, { status, kind, clientScope: clientScopeOf(request.user) }, { limit, offset });
      auditDataRead(database.kysely, {
        actor: request.actor,
        what: 'results.list',
        via: 'GET /api/v1/reviews',
        filters: { status, kind, limit, offset },
        datasetVersion: null,
      });
      return { currency, demo: await demoDataPresent(database.kysely), results: results.map(presentResult), total, limit, offset };
    },
  );

  for (const decision of ['approve', 'reject'] as const) {
    app.post(
      `/:id/${decision}`,
      {
        config: { permission: 'results:review' },
        schema: {
          summary: decision === 'approve' ? 'Approve a pending result, with a comment' : 'Reject a pending result, with a comment',
          tags: ['reviews'],
          params: resultIdParamsSchema,
          body: reviewDecisionBodySchema,
          response: {
            200: withDemoFlag(resultResponseSchema),
            ...commonErrorResponses,
            403: errorResponseSchema.describe('MM_FOUR_EYES (or MM_FORBIDDEN)'),
            404: errorResponseSchema.describe('MM_NOT_FOUND'),
            409: errorResponseSchema.describe('MM_REVIEW_CONFLICT'),
          },
        },
      },
      async (request) => ({
        currency,
        demo: await demoDataPresent(database.kysely),
        ...presentResultWithDetail(
          await decideResult(database.kysely, policy.review, {
            resultId: request.params.id,
            decision,
            comment: request.body.comment,
            reviewer: request.actor,
            clientScope: clientScopeOf(request.user),
          }),
        ),
      }),
    );
  }
};
