import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Config, DateOrderSetting } from '../config/schema.js';
import { isMmError, MmError, type ErrorCode } from '../errors.js';
import { csvLine } from '../export/csv-cell.js';
import { appendAudit, type AuditInput } from '../governance/audit-log.js';
import type { Database } from '../storage/database.js';
import { demoDataPresent } from './demo-data-repository.js';
import { removeDemoData } from './remove-demo-data.js';
import type { DatasetVersionTable, ImportTable } from '../storage/schema.js';
import type { DatasetDefinition, DatasetName } from './datasets/dataset-definition.js';
import { getDataset } from './datasets/index.js';
import { importTempName } from './import-leftovers.js';
import { formatRowError, noFormat, type ImportReport, type RowError } from './import-report.js';
import type { FileFormat } from './file-format.js';
import { inspectFile } from './inspect-file.js';
import { checkPresetChoice } from './presets/index.js';
import { profileNameOf, type MappingProfile } from './presets/mapping-profile.js';
import { requireImportProfile } from './import-profiles.js';
import { listImportProfiles } from './import-profiles-repository.js';
import { storedRejectsPath } from './rejects-file.js';
import { RowReaderWorker } from './read-rows-in-worker.js';
import { readFileRows, type ClientList, type ReadFileInput, type RowSink, type WorksheetSource } from './row-reader.js';
import { chooseSheet, readWorkbookOutline } from './xlsx/workbook-sheets.js';
import type { ImportWriter, WriteRejection } from './writers/import-writer.js';
import { PostgresImportWriter } from './writers/postgres-import-writer.js';
import { SqliteImportWriter } from './writers/sqlite-import-writer.js';
import { listClientKeys } from './datasets/clients-repository.js';
import { insertImportRecord } from './imports-repository.js';
import { listClientAliases, recordClientNameSightings } from './client-aliases-repository.js';
import { ClientMatchTally } from './client-match-tally.js';
import { listStoredLicenses } from './datasets/licenses-repository.js';
import { parsePriceEntries, readPriceList } from './price-list.js';

export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  rows: number;
}

export interface ImportFileOptions {
  dataset: string;
  /** Path of the file to read. */
  file: string;
  /** Name shown in messages (defaults to the file's base name; uploads pass the client's name). */
  fileName?: string;
  mode?: 'strict' | 'lenient';
  /**
   * `auto` (recognise a vendor export, or a saved mapping profile, from its header; the
   * default), `none` (canonical columns only), a preset id, or `profile:NAME` (a saved profile).
   */
  preset?: string;
  /** A saved mapping profile to read the file with (`--profile NAME`; the same as `preset: 'profile:NAME'`). */
  profile?: string;
  /** The worksheet of an .xlsx workbook to read (case-insensitive; default the first). Refused for a CSV file. */
  sheet?: string;
  /** The client (id or name) of a file that names none: a Microsoft 365 tenant's license export (`--client`). */
  client?: string;
  /** A CSV of monthly cost per seat by product, for license exports without prices (`--price-list`; price-list.ts). */
  priceList?: string;
  /** The same written inline (HTTP `prices=`: `SPE_E3=36.00;SPB=22.00`); entries here win over the file's. */
  prices?: string;
  /** How `03/11/2025` is read (defaults to config `ingest.date_order`; docs/IMPORTING.md, Dates). */
  dateOrder?: DateOrderSetting;
  dryRun?: boolean;
  /** Who asked for the import (user name, `cli:<os user>`, `demo`). */
  actor?: string;
  isDemo?: boolean;
  /**
   * When the database holds the bundled demo data: `refuse` (default) throws MM_DEMO_DATA,
   * `replace` removes the demo data first (as new versions; not in a dry run), `mix` imports
   * alongside it. Demo loads themselves (`isDemo`) are never refused.
   */
  demoData?: DemoDataHandling;
  onProgress?: (progress: ImportProgress) => void;
  /** Told once, with who holds the lock, when the import has to wait for another one. */
  onWaitForImport?: (holder: string) => void;
}

/**
 * Imports one CSV file, or one worksheet of an Excel workbook (.xlsx), as one transaction
 * and one new dataset version.
 *
 * The file is read twice, both times as a stream: once for its sha256, encoding and a copy
 * into `data/raw/`, then to parse, validate (row-reader.ts; on a worker thread for a large
 * file) and write rows in batches. Problems with the
 * file as a whole (encoding, malformed CSV, unreadable workbook, header) and with rows come
 * back in the report with status `failed`; only usage errors (unknown dataset or sheet,
 * missing file) throw.
 */
export async function importFile(database: Database, config: Config, options: ImportFileOptions): Promise<ImportReport> {
  return runImport(database, config, options);
}

/** The audit event every outcome gets; a committed import writes it in its own transaction. */
function importAudit(report: ImportReport): AuditInput {
  return {
    actor: report.createdBy,
    action: report.dryRun ? 'import.dry_run' : 'import.run',
    target: report.dataset,
    outcome: report.status === 'failed' ? 'failure' : 'success',
    details: {
      importId: report.importId,
      status: report.status,
      version: report.version,
      file: report.fileName,
      sha256: report.sha256,
      rows: report.rows,
      ...(report.errorCode ? { errorCode: report.errorCode } : {}),
      ...(report.clientMatches.automatic.length + report.clientMatches.unmapped.length > 0
        ? { clientMatches: { automatic: report.clientMatches.automatic.length, unmapped: report.clientMatches.unmapped.length } }
        : {}),
    },
  };
}

export type DemoDataHandling = 'refuse' | 'replace' | 'mix';

/**
 * Real data never mixes silently into the demo database: without an explicit choice the
 * import is refused before the file is read.
 */
async function handleDemoData(database: Database, options: ImportFileOptions, dryRun: boolean): Promise<void> {
  if (options.isDemo || options.demoData === 'mix') return;
  if (!(await demoDataPresent(database.kysely))) return;
  if (options.demoData === 'replace') {
    // A dry run writes nothing: it is checked against the data as it is now.
    if (!dryRun) await removeDemoData(database.kysely, options.actor ?? 'anonymous');
    return;
  }
  throw new MmError(
    'MM_DEMO_DATA',
    'this database holds the bundled demo data; importing your own would mix the two. ' +
      'Replace it (CLI --replace-demo, API replace_demo=true: the demo data is removed first, as new versions that `versions rollback` can undo), ' +
      'or mix them on purpose (CLI --force, API force=true)',
  );
}

async function runImport(database: Database, config: Config, options: ImportFileOptions): Promise<ImportReport> {
  const dataset = getDataset(options.dataset);
  if (options.preset !== undefined) checkPresetChoice(options.preset, dataset.name);
  const profiles = await chooseProfiles(database, dataset.name, options);
  // Read before anything is written: a price list that cannot be read refuses the import as a usage error would.
  const prices =
    options.priceList === undefined && options.prices === undefined
      ? undefined
      : [...(options.priceList === undefined ? [] : await readPriceList(options.priceList)), ...parsePriceEntries(options.prices ?? '')];
  await handleDemoData(database, options, options.dryRun ?? false);
  const fileName = options.fileName ?? path.basename(options.file);
  const importId = randomUUID();
  const mode = options.mode ?? config.ingest.mode;
  const dryRun = options.dryRun ?? false;
  const startedAt = new Date().toISOString();
  const rawDir = path.join(config.data_dir, 'raw');
  const importDir = path.join(config.data_dir, 'imports', importId);
  // A dry run writes nothing — no raw copy, no rejects file, no import record — so that a
  // refused or trial file leaves no trace but its audit event.
  const rawTemp = dryRun ? null : path.join(rawDir, importTempName('.incoming-', importId));
  if (rawTemp) await mkdir(rawDir, { recursive: true });

  const report: ImportReport = {
    importId,
    dataset: dataset.name,
    fileName,
    sha256: '',
    bytes: 0,
    encoding: null,
    delimiter: null,
    sheet: null,
    mode,
    dryRun,
    status: 'failed',
    version: null,
    rows: { total: 0, added: 0, updated: 0, unchanged: 0, rejected: 0 },
    errorCount: 0,
    errors: [],
    errorCode: null,
    ignoredColumns: [],
    format: { ...noFormat },
    clientMatches: { automatic: [], unmapped: [] },
    message: '',
    rejectsFile: null,
    createdBy: options.actor ?? 'anonymous',
    startedAt,
    finishedAt: startedAt,
  };

  const errors = new ErrorSink(fileName, dryRun ? null : importDir, config.ingest.inline_errors, report);
  const matches = new ClientMatchTally();
  /** Each client's stored name, for the report's automatic matches. */
  const clientNames = new Map<string, string>();
  let writer: ImportWriter | null = null;
  // A large file is read (parsed, validated) on a worker thread while this one writes; the
  // outcome is the same either way. Started now, the worker loads while the file is inspected.
  // A workbook goes there too (exceljs runs in the worker): its size is the compressed one,
  // so a workbook past the threshold holds several times the rows of a CSV file as large.
  const size = await stat(options.file).then(
    (info) => info.size,
    () => null,
  );
  const worker = size !== null && size >= config.ingest.worker_min_mb * 1024 * 1024 ? new RowReaderWorker() : null;
  try {
    const inspected = await inspectFile(options.file, fileName, rawTemp).catch(async (error: unknown) => {
      if (isMmError(error) && error.code === 'MM_FILE_NOT_FOUND') await removeRawTemp(rawTemp);
      throw error;
    });
    report.sha256 = inspected.sha256;
    report.bytes = inspected.bytes;
    report.encoding = inspected.encoding?.encoding ?? null;
    const worksheet = await chooseWorksheet(options.file, fileName, inspected.format, options.sheet);
    report.sheet = worksheet?.sheet.name ?? null;

    // The reader (row-reader.ts) drives the import: it asks for the write to be opened
    // before each pass over the file, and hands over batches of validated rows to write.
    const open: { writer: ImportWriter | null; version: number } = { writer: null, version: 0 };
    let lastProgress = 0;
    const sink: RowSink = {
      begin: async () => {
        open.writer = createWriter(database, dataset);
        writer = open.writer;
        open.version = await open.writer.begin({
          actor: report.createdBy,
          activity: `an import of ${dataset.name} (${fileName})`,
          waitMs: config.database.import_wait_minutes * 60_000,
          onWait: options.onWaitForImport,
        });
        if (!dataset.referencesClient && dataset.name !== 'clients') return { ids: [], names: [] };
        const list = await loadClientList(database);
        for (const [id, name] of list.labels ?? []) clientNames.set(id, name);
        // Vendor license files complete the positions other files started (presets/license-positions.ts).
        return dataset.name === 'licenses' ? { ...list, licenses: await listStoredLicenses(database.kysely) } : list;
      },
      restart: async () => {
        await open.writer?.rollback();
        open.writer = writer = null;
        await errors.reset();
        matches.reset();
      },
      note: (facts) => {
        if (facts.delimiter !== undefined) report.delimiter = facts.delimiter;
        if (facts.ignoredColumns !== undefined) report.ignoredColumns = facts.ignoredColumns;
        if (facts.preset !== undefined) report.format.preset = facts.preset;
        if (facts.titleRows !== undefined) report.format.titleRows = facts.titleRows;
        if (facts.skippedRows !== undefined) report.format.skippedRows = facts.skippedRows;
        if (facts.dateColumns !== undefined) report.format.dateOrders = facts.dateColumns;
        if (facts.numbers !== undefined) {
          report.format.decimalSeparator = facts.numbers.decimalSeparator;
          report.format.currency = currencyOf(facts.numbers.currencyMarks[0] ?? null, config.display.currency);
        }
      },
      batch: async (batch) => {
        matches.add(batch.clientNames);
        for (const problem of batch.errors) errors.addRow(problem);
        report.rows.total += batch.read;
        report.rows.rejected += batch.rejected;
        if (batch.rows.length > 0) errors.addRejections(await open.writer!.write(batch.rows));
        if (options.onProgress && Date.now() - lastProgress > 200) {
          lastProgress = Date.now();
          options.onProgress({ bytesRead: batch.bytesRead, totalBytes: inspected.bytes, rows: report.rows.total });
        }
      },
    };
    const readInput: ReadFileInput = {
      file: options.file,
      encoding: inspected.encoding,
      worksheet,
      dataset,
      // Whole-file messages name the sheet too: `time.xlsx sheet 'Time' row 1: missing required column …`.
      fileName: worksheet ? `${fileName} sheet '${worksheet.sheet.name}'` : fileName,
      dateOrder: options.dateOrder ?? config.ingest.date_order,
      batchRows: config.ingest.batch_rows,
      preset: options.preset ?? 'auto',
      ...profiles,
      ...(options.client !== undefined ? { client: options.client } : {}),
      ...(prices !== undefined ? { prices } : {}),
    };
    if (worker) await worker.read(readInput, sink);
    else await readFileRows(readInput, sink);
    options.onProgress?.({ bytesRead: inspected.bytes, totalBytes: inspected.bytes, rows: report.rows.total });
    report.clientMatches = matches.report(clientNames);
    writer = open.writer!;
    const version = open.version;
    const flushed = await writer.flush();
    for (const rejection of flushed.rejections) errors.addRejection(rejection);
    report.rows.added = flushed.counts.added;
    report.rows.updated = flushed.counts.updated;
    report.rows.unchanged = flushed.counts.unchanged;

    if (report.rows.total === 0) {
      throw new MmError('MM_IMPORT_EMPTY', `${fileName}: the file has a header but no data rows`);
    }
    const rejected = report.rows.rejected;
    const changed = report.rows.added + report.rows.updated > 0;
    if (rejected > 0 && mode === 'strict') {
      report.errorCode = 'MM_IMPORT_BAD_ROWS';
      report.rows.added = report.rows.updated = report.rows.unchanged = 0;
      report.message = dryRun
        ? `Dry run: ${rejected} of ${report.rows.total} rows would be rejected, so in strict mode nothing would be imported. Nothing was written.`
        : `${rejected} of ${report.rows.total} rows rejected; nothing was imported (strict mode). Fix the rows, or import in lenient mode (CLI --lenient, API mode=lenient) to load the valid ones.`;
      await writer.rollback();
    } else if (dryRun) {
      report.status = 'validated';
      report.message = `Dry run: ${report.rows.total} rows read, ${rejected} would be rejected; would add ${report.rows.added}, update ${report.rows.updated}, leave ${report.rows.unchanged} unchanged. Nothing was written.`;
      await writer.rollback();
    } else {
      report.status = changed ? 'succeeded' : 'unchanged';
      report.version = changed ? version : null;
      report.message = changed
        ? `Imported ${dataset.name} as version ${version}: ${report.rows.added} added, ${report.rows.updated} updated, ${report.rows.unchanged} unchanged, ${rejected} rejected.`
        : `Nothing changed: every row of ${fileName} is already in the current data (${report.rows.unchanged} unchanged, ${rejected} rejected); no new version.`;
      await errors.close();
      report.finishedAt = new Date().toISOString();
      await rename(rawTemp!, path.join(rawDir, inspected.sha256));
      await writer.commit({
        version: changed ? versionRecord(report, version, options.isDemo ?? false) : null,
        importRecord: importRecord(report, config.data_dir),
        refreshRollups: changed,
        audit: importAudit(report),
        clientNames: matches.sightings({ loaded: true }),
      });
      writer = null;
      return report;
    }
  } catch (error) {
    worker?.stop();
    await writer?.rollback();
    if (
      !isMmError(error) ||
      ['MM_FILE_NOT_FOUND', 'MM_IMPORT_UNKNOWN_DATASET', 'MM_IMPORT_UNKNOWN_PRESET', 'MM_IMPORT_UNKNOWN_SHEET', 'MM_DATABASE_BUSY'].includes(error.code)
    ) {
      await removeRawTemp(rawTemp);
      await errors.close();
      throw error;
    }
    report.clientMatches = matches.report(clientNames);
    // The file as a whole was refused: record it like a row error so every surface shows it.
    report.errorCode = error.code as ErrorCode;
    const details = (error.details ?? {}) as { line?: number; column?: number };
    errors.addFileError(details.line ?? 0, details.column ?? null, error.message);
    report.message = `${error.message}${error.code === 'MM_IMPORT_EMPTY' ? '' : ' Nothing was imported.'}`;
    report.rows.added = report.rows.updated = report.rows.unchanged = 0;
  }
  await removeRawTemp(rawTemp);
  await errors.close();
  report.finishedAt = new Date().toISOString();
  // A dry run leaves only its audit event: who tried which file, and what it found.
  if (dryRun) {
    await appendAudit(database.kysely, importAudit(report));
    return report;
  }
  // A refused import changed no data; its record and event still go in together, with the
  // client names it could not map (the usual reason a strict import of invoices fails).
  await database.kysely.transaction().execute(async (trx) => {
    await recordClientNameSightings(trx, matches.sightings({ loaded: false }), { importId, actor: report.createdBy, at: report.finishedAt });
    await insertImportRecord(trx, importRecord(report, config.data_dir));
    await appendAudit(trx, importAudit(report));
  });
  return report;
}

const symbolCurrencies: Record<string, string> = { '€': 'EUR', '£': 'GBP', '¥': 'JPY' };
const dollarCurrencies = new Set(['USD', 'CAD', 'AUD', 'NZD', 'SGD', 'HKD', 'MXN']);

/** A currency mark as an ISO code; `$` is the configured currency when that is a dollar, else USD. */
function currencyOf(mark: string | null, configured: string): string | null {
  if (mark === null) return null;
  if (mark === '$') return dollarCurrencies.has(configured) ? configured : 'USD';
  return symbolCurrencies[mark] ?? mark;
}

/** The worksheet a workbook import reads (null for CSV); a sheet named for a CSV file is a usage error. */
async function chooseWorksheet(file: string, fileName: string, format: FileFormat, requested: string | undefined): Promise<WorksheetSource | null> {
  if (format === 'csv') {
    if (requested === undefined) return null;
    throw new MmError('MM_IMPORT_UNKNOWN_SHEET', `${fileName} is a CSV file, which has no sheets; a sheet can only be chosen in an Excel workbook (.xlsx)`);
  }
  const outline = await readWorkbookOutline(file, fileName);
  return { sheet: chooseSheet(outline, requested, fileName), date1904: outline.date1904 };
}

/**
 * The saved mapping profile the import was told to use (`profile`, `preset: 'profile:NAME'`;
 * refused when there is none of that name for the dataset), or with `auto` every profile of
 * the dataset, for the reader to use when one fits the header. Plain data: it crosses to the
 * worker thread as it is.
 */
async function chooseProfiles(
  database: Database,
  dataset: DatasetName,
  options: ImportFileOptions,
): Promise<{ profile?: MappingProfile; profiles?: MappingProfile[] }> {
  const named = profileNameOf(options.preset);
  if (options.profile !== undefined && (options.preset ?? 'auto') !== 'auto' && named !== options.profile) {
    throw new MmError('MM_IMPORT_UNKNOWN_PRESET', `choose a saved profile (--profile ${options.profile}) or a preset (--preset ${options.preset}), not both`);
  }
  const name = options.profile ?? named;
  const plain = ({ name, dataset, signature, mapping }: MappingProfile): MappingProfile => ({ name, dataset, signature, mapping });
  if (name !== null) return { profile: plain(await requireImportProfile(database.kysely, name, dataset)) };
  if ((options.preset ?? 'auto') !== 'auto') return {};
  const saved = await listImportProfiles(database.kysely, dataset);
  return saved.length > 0 ? { profiles: saved.map(plain) } : {};
}

async function removeRawTemp(rawTemp: string | null): Promise<void> {
  if (rawTemp) await rm(rawTemp, { force: true });
}

function createWriter(database: Database, dataset: DatasetDefinition): ImportWriter {
  if (database.target.dialect === 'sqlite') return new SqliteImportWriter(database.target.file, dataset, database.kysely);
  return new PostgresImportWriter(database.pgPool!, dataset, database.kysely);
}

/** Every client id and name, and the names people decided about (an MSP has thousands at most). */
async function loadClientList(database: Database): Promise<ClientList> {
  const [rows, aliases] = await Promise.all([listClientKeys(database.kysely), listClientAliases(database.kysely, ['confirmed', 'distinct'])]);
  return {
    ids: rows.map((r) => r.client_id),
    names: rows.map((r) => [r.client_name_key, r.client_id]),
    labels: rows.map((r) => [r.client_id, r.client_name]),
    aliases: aliases.map((a) => ({ key: a.alias_key, clientId: a.client_id, status: a.status })),
  };
}

/**
 * Collects errors: counts all of them, keeps the first few inline, and streams every one
 * to `data/imports/<id>/rejected.csv` so a million bad rows cost no memory. Without a
 * directory (a dry run) only the count and the first few are kept.
 */
class ErrorSink {
  private stream: WriteStream | null = null;
  private lastRejectedLine = -1;

  constructor(
    private readonly fileName: string,
    private readonly dir: string | null,
    private readonly inlineLimit: number,
    private readonly report: ImportReport,
  ) {}

  addRow(error: Omit<RowError, 'message'>): void {
    const full: RowError = { ...error, message: formatRowError(this.fileName, error, this.report.sheet) };
    this.report.errorCount += 1;
    if (this.report.errors.length < this.inlineLimit) this.report.errors.push(full);
    if (this.dir === null) return;
    if (!this.stream) {
      // Synchronous on purpose: the sink is called from the synchronous parse loop, once per import.
      mkdirSync(this.dir, { recursive: true });
      this.report.rejectsFile = path.join(this.dir, 'rejected.csv');
      this.stream = createWriteStream(this.report.rejectsFile);
      this.stream.write(csvLine(['line', 'column', 'field', 'value', 'reason']));
    }
    this.stream.write(csvLine([full.line, full.column, full.field, full.value, full.reason]));
  }

  addRejection(rejection: WriteRejection): void {
    if (rejection.line !== this.lastRejectedLine) this.report.rows.rejected += 1;
    this.lastRejectedLine = rejection.line;
    this.addRow({ line: rejection.line, column: null, field: rejection.field, value: rejection.value, reason: rejection.reason });
  }

  addRejections(rejections: WriteRejection[]): void {
    for (const rejection of rejections) this.addRejection(rejection);
  }

  /** Forgets a pass that is read again from the start: its errors, counts and rejects file. */
  async reset(): Promise<void> {
    await this.close();
    if (this.report.rejectsFile) await rm(this.report.rejectsFile, { force: true });
    this.report.rejectsFile = null;
    this.report.errors = [];
    this.report.errorCount = 0;
    this.report.rows = { total: 0, added: 0, updated: 0, unchanged: 0, rejected: 0 };
    this.lastRejectedLine = -1;
  }

  /** A whole-file problem; its message already names the file and place. */
  addFileError(line: number, column: number | null, message: string): void {
    this.report.errorCount += 1;
    this.report.errors.push({ line, column, field: null, value: null, reason: message, message });
  }

  async close(): Promise<void> {
    const stream = this.stream;
    this.stream = null;
    if (stream) await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
}

function versionRecord(report: ImportReport, number: number, isDemo: boolean): DatasetVersionTable {
  return {
    number,
    dataset: report.dataset,
    import_id: report.importId,
    created_by: report.createdBy,
    created_at: report.finishedAt,
    file_name: report.fileName,
    file_sha256: report.sha256,
    rows_added: report.rows.added,
    rows_updated: report.rows.updated,
    rows_unchanged: report.rows.unchanged,
    rows_rejected: report.rows.rejected,
    status: 'active',
    rolled_back_at: null,
    rolled_back_by: null,
    is_demo: isDemo ? 1 : 0,
    removes_demo: 0,
  };
}

/** The import record; the rejects file's path is stored relative to the data directory. */
function importRecord(report: ImportReport, dataDir: string): ImportTable {
  return {
    id: report.importId,
    dataset: report.dataset,
    file_name: report.fileName,
    file_sha256: report.sha256,
    file_bytes: report.bytes,
    encoding: report.encoding,
    delimiter: report.delimiter,
    mode: report.mode,
    dry_run: report.dryRun ? 1 : 0,
    status: report.status,
    version_number: report.version,
    rows_total: report.rows.total,
    rows_added: report.rows.added,
    rows_updated: report.rows.updated,
    rows_unchanged: report.rows.unchanged,
    rows_rejected: report.rows.rejected,
    error_count: report.errorCount,
    errors_json: JSON.stringify({
      errorCode: report.errorCode,
      errors: report.errors,
      ignoredColumns: report.ignoredColumns,
      format: report.format,
      clientMatches: report.clientMatches,
      // The sheet is kept with the other facts of the file's content (no column of its own: it is shown, never queried).
      sheet: report.sheet,
    }),
    message: report.message,
    created_by: report.createdBy,
    started_at: report.startedAt,
    finished_at: report.finishedAt,
    rejects_file: report.rejectsFile === null ? null : storedRejectsPath(dataDir, report.rejectsFile),
  };
}
