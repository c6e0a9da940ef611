import { randomUUID } from 'node:crypto';
import { open, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { clientScopeOf } from '../../auth/client-scope.js';
import type { Config } from '../../config/schema.js';
import { errorCatalogue, MmError } from '../../errors.js';
import { getDataset } from '../../ingest/datasets/index.js';
import { importFile } from '../../ingest/import-file.js';
import { importTempName } from '../../ingest/import-leftovers.js';
import type { ImportReport } from '../../ingest/import-report.js';
import type { Database } from '../../storage/database.js';
import { commonErrorResponses, errorResponseSchema, validationError } from '../error-handler.js';
import { presentImport } from './imports.presenter.js';
import { findImport, listImports } from '../../ingest/imports-repository.js';
import {
  failedImportResponseSchema,
  importDatasetParamsSchema,
  importIdParamsSchema,
  importListResponseSchema,
  importOptionsSchema,
  importUploadRequestBody,
  listImportsQuerySchema,
  presentedImportSchema,
  type ImportOptions,
} from './imports.schema.js';
import { receiveUpload } from './imports.upload.js';

export interface ImportRoutesOptions {
  config: Config;
  database: Database;
}

/** Mounted at /api/v1/imports. */
export const importRoutes: FastifyPluginAsyncZod<ImportRoutesOptions> = async (app, { config, database }) => {
  const uploadLimit = { bytes: Math.floor(config.server.upload_limit_mb * 1024 * 1024), megabytes: config.server.upload_limit_mb };
  const tmpDir = path.join(config.data_dir, 'tmp');

  // Uploads only: the raw CSV body is handed over unread as the request stream, and no
  // other body (JSON, url-encoded) is parsed here.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['text/csv', 'application/octet-stream'], (_request, payload, done) => done(null, payload));
  app.addContentTypeParser('*', (request, _payload, done) => {
    const type = request.headers['content-type'];
    const problem = type ? `Unsupported content type '${type.slice(0, 100)}'` : 'The request has no Content-Type';
    done(new MmError('MM_VALIDATION', `${problem}: send the CSV as multipart/form-data (field 'file') or with Content-Type: text/csv.`));
  });
  await app.register(fastifyMultipart);

  app.post(
    '/:dataset',
    {
      config: { permission: 'data:import', openapiRequestBody: importUploadRequestBody },
      schema: {
        summary: 'Import a CSV file or an Excel workbook (.xlsx) into a dataset',
        description:
          'Send the file as multipart/form-data (field `file`, optional fields `mode`, `dry_run`, `date_order`, `preset`, `sheet`, `client`, `prices`, `replace_demo`, `force`) ' +
          'A workbook is told from its content, whatever its name; `sheet` picks its worksheet (default the first). ' +
          'While the database holds the bundled demo data an import is refused (409 MM_DEMO_DATA) unless `replace_demo=true` ' +
          '(the demo data is removed first, as new audited versions) or `force=true` (mixed in on purpose). ' +
          'or as a raw text/csv or application/octet-stream body. ' +
          `Form fields override the query string. At most server.upload_limit_mb (${config.server.upload_limit_mb} MB).`,
        tags: ['imports'],
        params: importDatasetParamsSchema,
        querystring: importOptionsSchema,
        response: {
          201: presentedImportSchema.describe('Imported: a new dataset version'),
          200: presentedImportSchema.describe('Nothing changed (status unchanged), or a dry run (status validated)'),
          ...commonErrorResponses,
          400: errorResponseSchema.describe('MM_VALIDATION or MM_IMPORT_UNKNOWN_PRESET'),
          404: errorResponseSchema.describe('MM_IMPORT_UNKNOWN_DATASET'),
          409: errorResponseSchema.describe('MM_DEMO_DATA: the database holds the demo data'),
          413: errorResponseSchema.describe('MM_UPLOAD_TOO_LARGE'),
          422: failedImportResponseSchema.describe('The file was refused; details is the import with its first errors'),
        },
      },
    },
    async (request, reply) => {
      // Before reading the upload, so a mistyped dataset costs no transfer.
      const dataset = getDataset(request.params.dataset).name;
      await mkdir(tmpDir, { recursive: true });
      const tempFile = path.join(tmpDir, importTempName('upload-', randomUUID(), '.csv'));
      let report: ImportReport;
      try {
        const upload = await receiveUpload(request, tempFile, uploadLimit);
        const options = withFormFields(request.query, upload.fields);
        if (options.replace_demo && options.force) {
          throw validationError('querystring', [{ path: ['replace_demo'], message: 'use replace_demo=true or force=true, not both' }]);
        }
        report = await importFile(database, config, {
          dataset,
          file: tempFile,
          fileName: upload.fileName ?? options.file_name ?? 'upload.csv',
          mode: options.mode,
          sheet: options.sheet,
          dateOrder: options.date_order,
          preset: options.preset,
          ...(options.client !== undefined ? { client: options.client } : {}),
          ...(options.prices !== undefined ? { prices: options.prices } : {}),
          dryRun: options.dry_run,
          demoData: options.replace_demo ? 'replace' : options.force ? 'mix' : 'refuse',
          actor: request.actor,
        });
      } finally {
        // Before answering: importFile has kept its own copy under data/raw/.
        await rm(tempFile, { force: true });
      }
      const presented = presentImport(report);
      if (report.status === 'failed') {
        const code = report.errorCode ?? 'MM_IMPORT_BAD_ROWS';
        return reply.status(errorCatalogue[code].status).send({ error: { code, message: report.message, details: presented } });
      }
      if (report.status === 'succeeded') return reply.status(201).header('location', presented.links.self!).send(presented);
      return reply.status(200).send(presented);
    },
  );

  app.get(
    // '' not '/': the list lives at /api/v1/<resource>, without a trailing-slash twin.
    '',
    {
      config: { permission: 'data:read' },
      schema: {
        summary: 'List imports, newest first',
        tags: ['imports'],
        querystring: listImportsQuerySchema,
        response: { 200: importListResponseSchema, ...commonErrorResponses },
      },
    },
    async (request) => {
      const { limit, offset } = request.query;
      const { imports, total } = await listImports(database.kysely, { limit, offset }, config.data_dir);
      const scoped = clientScopeOf(request.user) !== null;
      return { imports: imports.map((report) => presentImport(scoped ? withoutRowErrors(report) : report)), total, limit, offset };
    },
  );

  app.get(
    '/:id',
    {
      config: { permission: 'data:read' },
      schema: {
        summary: 'One import and its first errors',
        tags: ['imports'],
        params: importIdParamsSchema,
        response: { 200: presentedImportSchema, ...commonErrorResponses, 404: errorResponseSchema.describe('MM_IMPORT_NOT_FOUND') },
      },
    },
    async (request) => {
      const report = await findImportOrThrow(request.params.id);
      return presentImport(clientScopeOf(request.user) !== null ? withoutRowErrors(report) : report);
    },
  );

  app.get(
    '/:id/rejects',
    {
      config: { permission: 'data:read' },
      schema: {
        summary: 'Every rejected row of an import, as CSV (line, column, field, value, reason)',
        tags: ['imports'],
        params: importIdParamsSchema,
        response: {
          200: { description: 'The rejected rows', content: { 'text/csv': { schema: z.string() } } },
          ...commonErrorResponses,
          404: errorResponseSchema.describe('MM_IMPORT_NOT_FOUND, or MM_NOT_FOUND when the import rejected nothing'),
        },
      },
    },
    async (request, reply) => {
      const report = await findImportOrThrow(request.params.id);
      if (clientScopeOf(request.user) !== null) {
        throw new MmError('MM_FORBIDDEN', 'rejected rows may belong to any client; a user with a client scope cannot download them');
      }
      const file = report.rejectsFile;
      const noRejects = new MmError('MM_NOT_FOUND', `Import ${report.importId} has no rejected rows to download.`);
      if (!file || !isInside(config.data_dir, file)) throw noRejects;
      const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') throw noRejects;
        throw error;
      });
      return (
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="rejected-${report.importId}.csv"`)
          // Streamed from disk; the response schema documents the CSV as a string, hence the cast.
          .send(handle.createReadStream() as unknown as string)
      );
    },
  );

  async function findImportOrThrow(id: string) {
    const report = await findImport(database.kysely, id, config.data_dir);
    if (!report) throw new MmError('MM_IMPORT_NOT_FOUND', `Import ${id} does not exist.`);
    return report;
  }
};

/** Multipart fields, validated like the query string, take precedence over it. */
function withFormFields(query: ImportOptions, fields: Record<string, string>): ImportOptions {
  const parsed = importOptionsSchema.safeParse(fields);
  if (!parsed.success) throw validationError('form', parsed.error.issues);
  const fromForm = Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined));
  return { ...query, ...fromForm };
}

/** Rejects files are written under the data directory; never serve a path outside it. */
function isInside(dir: string, file: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** An import record without its row errors and client names (they may name any client), for client-scoped users. */
function withoutRowErrors(report: ImportReport): ImportReport {
  return { ...report, errors: [], clientMatches: { automatic: [], unmapped: [] } };
}
