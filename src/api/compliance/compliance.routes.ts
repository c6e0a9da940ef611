import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config/schema.js';
import { complianceReport } from '../../operations/compliance.js';
import type { Policy } from '../../governance/policy.js';
import type { Database } from '../../storage/database.js';
import { commonErrorResponses } from '../error-handler.js';

export interface ComplianceRoutesOptions {
  config: Config;
  database: Database;
  policy: Policy;
}

const complianceSchema = z.object({
  checkedAt: z.string(),
  passed: z.boolean(),
  checks: z.array(z.object({ name: z.string(), title: z.string(), passed: z.boolean(), evidence: z.string() })),
});

/** Mounted at /api/v1/compliance: checks verified at the moment of asking, each with its evidence. */
export const complianceRoutes: FastifyPluginAsyncZod<ComplianceRoutesOptions> = async (app, { config, database, policy }) => {
  app.get(
    '',
    {
      config: { permission: 'audit:read' },
      schema: {
        summary: 'Compliance checks (audit chain, retention, backups, cookie security, first-run password, roles), each pass/fail with evidence',
        tags: ['audit'],
        response: { 200: complianceSchema, ...commonErrorResponses },
      },
    },
    async () => complianceReport(database, config, policy),
  );
};
