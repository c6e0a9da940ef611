import type { Kysely } from 'kysely';
import type { ErrorCode } from '../errors.js';
import { noFormat, type ClientMatchReport, type ImportFormat, type ImportReport, type RowError } from './import-report.js';
import { resolveRejectsPath } from './rejects-file.js';
import type { DatabaseSchema, ImportTable } from '../storage/schema.js';

/** What `errors_json` holds (written by importFile); `format` since vendor presets, absent in older records. */
interface StoredErrors {
  errorCode: ErrorCode | null;
  errors: RowError[];
  ignoredColumns: string[];
  format?: ImportFormat;
  clientMatches: ClientMatchReport;
  /** The worksheet of a workbook import (absent in records of CSV imports and of imports before workbooks). */
  sheet?: string | null;
}

/** The record of one import run (done, refused or dry), inside the transaction that also records its event. */
export async function insertImportRecord(trx: Kysely<DatabaseSchema>, record: ImportTable): Promise<void> {
  await trx.insertInto('imports').values(record).execute();
}

/** `dataDir` resolves the stored (relative) rejects file path. */
export async function findImport(db: Kysely<DatabaseSchema>, id: string, dataDir: string): Promise<ImportReport | null> {
  const row = await db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? reportFromRow(row, dataDir) : null;
}

/** Newest first. */
export async function listImports(
  db: Kysely<DatabaseSchema>,
  page: { limit: number; offset: number },
  dataDir: string,
): Promise<{ imports: ImportReport[]; total: number }> {
  const rows = await db.selectFrom('imports').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute();
  const count = await db
    .selectFrom('imports')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return { imports: rows.map((row) => reportFromRow(row, dataDir)), total: Number(count?.n ?? 0) };
}

/** An import record read back into the report importFile returned when it ran. */
function reportFromRow(row: ImportTable, dataDir: string): ImportReport {
  const stored = JSON.parse(row.errors_json) as Partial<StoredErrors>;
  return {
    importId: row.id,
    dataset: row.dataset,
    fileName: row.file_name,
    sha256: row.file_sha256,
    bytes: Number(row.file_bytes),
    encoding: row.encoding,
    delimiter: row.delimiter,
    sheet: stored.sheet ?? null,
    mode: row.mode,
    dryRun: Number(row.dry_run) === 1,
    status: row.status,
    version: row.version_number === null ? null : Number(row.version_number),
    rows: {
      total: Number(row.rows_total),
      added: Number(row.rows_added),
      updated: Number(row.rows_updated),
      unchanged: Number(row.rows_unchanged),
      rejected: Number(row.rows_rejected),
    },
    errorCount: Number(row.error_count),
    errors: stored.errors ?? [],
    errorCode: stored.errorCode ?? null,
    ignoredColumns: stored.ignoredColumns ?? [],
    format: { ...noFormat, ...stored.format },
    clientMatches: stored.clientMatches ?? { automatic: [], unmapped: [] },
    message: row.message,
    rejectsFile: row.rejects_file === null ? null : resolveRejectsPath(dataDir, row.rejects_file),
    createdBy: row.created_by,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}
