import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { MmError } from '../../errors.js';
import type { Database } from '../../storage/database.js';
import { currentVersionNumber } from '../../versions/versions-repository.js';
import { errorResponseSchema } from '../error-handler.js';
import { livenessResponseSchema, readinessResponseSchema } from './health.schema.js';
import { pingDatabase } from '../../storage/health-repository.js';

export interface HealthRoutesOptions {
  database: Database;
}

/**
 * Probes for a load balancer or orchestrator: liveness never touches the database, readiness
 * does. Neither is rate-limited: a prober polling often must not be told 429 (and see the
 * server as down) because other requests came from the same address.
 */
export const healthRoutes: FastifyPluginAsyncZod<HealthRoutesOptions> = async (app, { database }) => {
  app.get(
    '/healthz',
    {
      config: { permission: 'public', rateLimit: false },
      schema: {
        summary: 'Liveness: the process is up',
        tags: ['health'],
        response: { 200: livenessResponseSchema },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { permission: 'public', rateLimit: false, identifyIfPresent: true },
      schema: {
        summary: 'Readiness: the database answers (with its engine and the dataset version for a logged-in caller)',
        tags: ['health'],
        response: { 200: readinessResponseSchema, 503: errorResponseSchema.describe('MM_DATABASE_UNAVAILABLE') },
      },
    },
    async (request) => {
      // Which engine and how much data are a reconnaissance gift: only a logged-in caller learns them.
      const identified = request.user !== null;
      try {
        await pingDatabase(database.kysely);
        if (!identified) return { status: 'ready' as const };
        const version = await currentVersionNumber(database.kysely);
        return { status: 'ready' as const, database: database.target.dialect, version };
      } catch (error) {
        // The driver's message may name hosts or users: it goes to the log, not to the prober.
        request.log.error({ err: error }, 'readiness check failed');
        const which = identified ? `The ${database.target.dialect} database` : 'The database';
        throw new MmError('MM_DATABASE_UNAVAILABLE', `${which} is not answering.`);
      }
    },
  );
};
