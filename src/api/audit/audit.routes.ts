import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { exportAudit } from '../../governance/audit-export.js';
import { appendAudit, listAudit } from '../../governance/audit-log.js';
import { verifyAuditTrail } from '../../governance/audit-verify.js';
import { auditDataRead } from '../../governance/data-reads.js';
import type { Database } from '../../storage/database.js';
import { commonErrorResponses } from '../error-handler.js';
import { auditExportQuerySchema, auditListQuerySchema, auditListResponseSchema, auditVerifyResponseSchema } from './audit.schema.js';

export interface AuditRoutesOptions {
  database: Database;
}

/** Mounted at /api/v1/audit: read, verify and export the hash-chained audit trail. */
export const auditRoutes: FastifyPluginAsyncZod<AuditRoutesOptions> = async (app, { database }) => {
  app.get(
    '',
    {
      config: { permission: 'audit:read' },
      schema: {
        summary: 'Audit events in order, filtered and paged (afterSeq)',
        tags: ['audit'],
        querystring: auditListQuerySchema,
        response: { 200: auditListResponseSchema, ...commonErrorResponses },
      },
    },
    async (request) => {
      const page = await listAudit(database.kysely, request.query);
      // Read after the page is taken, so the listing never shows its own event.
      auditDataRead(database.kysely, {
        actor: request.actor,
        what: 'audit.list',
        via: 'GET /api/v1/audit',
        filters: { ...request.query },
        datasetVersion: null,
      });
      return page;
    },
  );

  app.get(
    '/verify',
    {
      config: { permission: 'audit:read' },
      schema: {
        summary: 'Check the whole hash chain and that every change has its event; names the first bad event and every gap',
        tags: ['audit'],
        response: { 200: auditVerifyResponseSchema, ...commonErrorResponses },
      },
    },
    async () => verifyAuditTrail(database.kysely),
  );

  app.get(
    '/export',
    {
      config: { permission: 'audit:export' },
      schema: {
        summary: 'Download the audit events (CSV or JSON, with their hashes); the export itself is audited',
        tags: ['audit'],
        querystring: auditExportQuerySchema,
      },
    },
    async (request, reply) => {
      const { format, ...filter } = request.query;
      await appendAudit(database.kysely, { actor: request.actor, action: 'audit.export', details: { format, filter } });
      const stamp = new Date().toISOString().slice(0, 10);
      reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="moatmetrics-audit-${stamp}.${format}"`);
      return reply.send(Readable.from(exportAudit(database.kysely, format, filter)));
    },
  );
};
