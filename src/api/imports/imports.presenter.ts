import type { ImportReport } from '../../ingest/import-report.js';
import type { PresentedImport } from './imports.schema.js';

export const importsPath = '/api/v1/imports';

/**
 * An import as the API shows it. Fields are listed one by one: the report also carries
 * the server-side path of the rejects file, which must not leave the server.
 */
export function presentImport(report: ImportReport): PresentedImport {
  const self = `${importsPath}/${encodeURIComponent(report.importId)}`;
  return {
    id: report.importId,
    dataset: report.dataset,
    fileName: report.fileName,
    sha256: report.sha256,
    bytes: report.bytes,
    encoding: report.encoding,
    delimiter: report.delimiter,
    sheet: report.sheet,
    mode: report.mode,
    dryRun: report.dryRun,
    status: report.status,
    version: report.version,
    rows: {
      total: report.rows.total,
      added: report.rows.added,
      updated: report.rows.updated,
      unchanged: report.rows.unchanged,
      rejected: report.rows.rejected,
    },
    errorCount: report.errorCount,
    errors: report.errors.map((error) => ({
      line: error.line,
      column: error.column,
      field: error.field,
      value: error.value,
      reason: error.reason,
      message: error.message,
    })),
    ignoredColumns: [...report.ignoredColumns],
    format: {
      preset: report.format.preset ? { ...report.format.preset } : null,
      titleRows: report.format.titleRows,
      skippedRows: report.format.skippedRows,
      dateOrders: report.format.dateOrders.map((d) => ({ ...d })),
      decimalSeparator: report.format.decimalSeparator,
      currency: report.format.currency,
    },
    clientMatches: {
      automatic: report.clientMatches.automatic.map((m) => ({ name: m.name, clientId: m.clientId, clientName: m.clientName, rows: m.rows })),
      unmapped: report.clientMatches.unmapped.map((m) => ({ name: m.name, rows: m.rows, candidates: [...m.candidates] })),
    },
    message: report.message,
    createdBy: report.createdBy,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    links: {
      // A dry run keeps no record to link to.
      self: report.dryRun ? null : self,
      rejects: report.rejectsFile ? `${self}/rejects` : null,
    },
  };
}
