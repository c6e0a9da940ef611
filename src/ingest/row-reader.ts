import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { DateOrderSetting } from '../config/schema.js';
import { MmError } from '../errors.js';
import { CsvParser, detectDelimiter, type Delimiter } from './csv-reader.js';
import { clientNameKey } from './datasets/clients.js';
import type { DatasetDefinition, RowContext } from './datasets/dataset-definition.js';
import { DateColumns, DateSurveyNeeded, type DateSurvey } from './date-columns.js';
import { createDecoder, type EncodingScan } from './encoding.js';
import { listedNames, mapHeader, type HeaderMap } from './header-map.js';
import type { RowError } from './import-report.js';
import type { StagedRow } from './writers/import-writer.js';
import type { WorkbookSheet } from './xlsx/workbook-sheets.js';
import { readWorksheetRecords } from './xlsx/worksheet-records.js';

/**
 * Reads a CSV file (or one worksheet of an Excel workbook) into validated rows, in batches,
 * without touching the database: decode and parse (or stream the sheet's rows as cell
 * texts, xlsx/worksheet-records.ts), map the header, validate each row and build it for its table. The importer runs it
 * on its own thread for small files and on a worker thread for large ones
 * (read-rows-in-worker.ts), so that parsing the next rows overlaps writing the last ones.
 * Everything it needs from the import comes through a `RowSink`.
 */

/** What a row may reference: every client id, and each client's lower-cased name → id. */
export interface ClientList {
  ids: string[];
  names: Array<[string, string]>;
}

/** A refused row or cell, located in the file (the importer words the message). */
export type RowProblem = Omit<RowError, 'message'>;

/** Rows read since the previous batch. */
export interface RowBatch {
  /** The valid rows, in file order. */
  rows: StagedRow[];
  /** Problems of the rows refused, in file order. */
  errors: RowProblem[];
  /** Data records read (valid and refused). */
  read: number;
  /** Records refused. */
  rejected: number;
  /** Bytes of the file read so far. */
  bytesRead: number;
}

/** What the reader learns about the file as a whole. */
export interface FileFacts {
  delimiter: Delimiter;
  /** Header cells that match no field (a summary list). */
  ignoredColumns: string[];
}

export interface RowSink {
  /**
   * Called before each reading pass: opens the import's write (the transaction) and returns
   * the clients rows may reference at that moment.
   */
  begin(): Promise<ClientList>;
  /** Forgets the pass so far (rows, errors, counts): the file is read again from the start. */
  restart(): Promise<void>;
  note(facts: Partial<FileFacts>): void;
  /** Takes a batch; the reader waits for it before reading further only when the sink asks it to. */
  batch(batch: RowBatch): Promise<void>;
}

/** The worksheet an .xlsx import reads. */
export interface WorksheetSource {
  sheet: WorkbookSheet;
  date1904: boolean;
}

export interface ReadFileInput {
  file: string;
  /** A CSV file's encoding; null for a workbook. */
  encoding: EncodingScan | null;
  /** Set for a workbook: the records are that sheet's rows, numbered as in the sheet. */
  worksheet?: WorksheetSource | null;
  dataset: DatasetDefinition;
  /** Name shown in messages (for a workbook, the file and sheet: `time.xlsx sheet 'Time'`). */
  fileName: string;
  dateOrder: DateOrderSetting;
  /** Rows per batch (at least; a batch ends at the end of a read). */
  batchRows: number;
}

/**
 * Reads the whole file into the sink. A date column that needs the whole file before its
 * values can be read (date-columns.ts) makes the reader forget the pass (`sink.restart`),
 * survey the file's date columns, and read it again from the start.
 * Problems with the file as a whole throw MmError; row problems go into the batches.
 */
export async function readFileRows(input: ReadFileInput, sink: RowSink): Promise<void> {
  const dates = new DateColumns(input.dataset, input.dateOrder, input.fileName);
  for (;;) {
    const clients = clientIndex(await sink.begin());
    try {
      await readPass({ ...input, dates, clients }, sink);
      return;
    } catch (error) {
      if (!(error instanceof DateSurveyNeeded) || dates.surveyed) throw error;
    }
    await sink.restart();
    const survey = dates.survey();
    await readPass({ ...input, dates, clients, survey }, sink);
    dates.decide(survey);
  }
}

interface ClientIndex {
  resolve(id: string | null, name: string | null): string | null;
  existingIdByName(nameKey: string): string | null;
}

function clientIndex(list: ClientList): ClientIndex {
  const byId = new Set(list.ids);
  const byName = new Map(list.names);
  return {
    resolve(id, name) {
      if (id !== null) return byId.has(id) ? id : null;
      if (name !== null) return byName.get(clientNameKey(name)) ?? null;
      return null;
    },
    existingIdByName: (nameKey) => byName.get(nameKey) ?? null,
  };
}

interface PassInput extends ReadFileInput {
  dates: DateColumns;
  clients: ClientIndex;
  /** Set for the survey pass: records are only shown to it, no row is read. */
  survey?: DateSurvey;
}

/** Longest header line, in characters: a file without a line break near its start is not a CSV with a header. */
const MAX_HEADER_LINE = 1 << 20;
/** A survey pass reports its progress every this many bytes. */
const SURVEY_PROGRESS_BYTES = 1 << 20;

async function readPass(input: PassInput, sink: RowSink): Promise<void> {
  const { dataset, fileName, clients } = input;
  let bytesRead = 0;
  // The CSV file's streams (consume opens them), closed however the pass ends.
  const opened: Array<{ destroy(): void }> = [];

  let header: HeaderMap | null = null;
  let parser: CsvParser | null = null;
  let batch: RowBatch = { rows: [], errors: [], read: 0, rejected: 0, bytesRead: 0 };
  let reportedBytes = 0;
  const context: RowContext = {
    resolveClient: (id, name) => clients.resolve(id, name),
    existingClientIdByName: (nameKey) => clients.existingIdByName(nameKey),
  };
  const onRecord = (fields: string[], line: number): void => {
    if (!header) {
      header = mapHeader(dataset, fields, fileName, input.dates);
      // Summarised: a header of a million unknown columns would otherwise be stored whole in the import record.
      sink.note({ ignoredColumns: listedNames(header.ignored) });
      input.survey?.start(header.columns);
      return;
    }
    if (input.survey) return input.survey.add(fields, line);
    batch.read += 1;
    const staged = readRow(dataset, header, fields, line, context, batch.errors);
    if (staged) batch.rows.push(staged);
    else batch.rejected += 1;
  };
  const send = async (): Promise<void> => {
    const full = batch;
    full.bytesRead = reportedBytes = bytesRead;
    batch = { rows: [], errors: [], read: 0, rejected: 0, bytesRead: 0 };
    await sink.batch(full);
  };

  try {
    if (input.worksheet) await consumeWorksheet(input.worksheet);
    else await consume();
  } catch (error) {
    // The rows read before a whole-file problem still count and keep their errors, as they would have one by one.
    if (!(error instanceof DateSurveyNeeded) && (batch.read > 0 || batch.errors.length > 0)) {
      batch.rows = [];
      await send();
    }
    throw error;
  } finally {
    for (const stream of opened) stream.destroy();
  }

  /** The same records from a worksheet: its rows, numbered as the sheet numbers them. */
  async function consumeWorksheet(worksheet: WorksheetSource): Promise<void> {
    const read = await readWorksheetRecords({
      ...worksheet,
      file: input.file,
      label: fileName,
      onRecord,
      afterRecord: async (bytes) => {
        bytesRead = bytes;
        if (batch.rows.length >= input.batchRows || (input.survey && bytesRead - reportedBytes >= SURVEY_PROGRESS_BYTES)) await send();
      },
    });
    if (read.headerRow === null) throw new MmError('MM_IMPORT_EMPTY', `${fileName} is empty (no header row)`);
    await send();
  }

  async function consume(): Promise<void> {
    if (!input.encoding) throw new Error('a CSV file is read with its encoding');
    // Small reads keep each batch small: rows die young in V8's nursery instead of being
    // promoted and swept by full GCs (measured: GC time fell from ~30 % to a few %).
    const raw = createReadStream(input.file, { highWaterMark: 64 * 1024 });
    raw.on('data', (chunk) => (bytesRead += chunk.length));
    const decoded = raw.pipe(createDecoder(input.encoding));
    raw.on('error', (error) => decoded.destroy(error));
    opened.push(raw, decoded);
    let head = '';
    const startParser = (): CsvParser => {
      // The delimiter is read off the whole header line, however the chunks fell.
      const delimiter: Delimiter = detectDelimiter(head);
      sink.note({ delimiter });
      return new CsvParser({ delimiter, fileLabel: fileName, onRecord });
    };
    for await (const chunk of decoded) {
      let text = chunk as string;
      if (!parser) {
        // Only the new text is searched for the line end: searching all of `head` again per chunk was quadratic.
        const lineEnd = text.search(/[\r\n]/);
        if (head.length + (lineEnd === -1 ? text.length : lineEnd) > MAX_HEADER_LINE) throw headerTooLong(fileName);
        head += text;
        if (lineEnd === -1) continue;
        parser = startParser();
        text = head;
        head = '';
      }
      parser.push(text);
      if (batch.rows.length >= input.batchRows || (input.survey && bytesRead - reportedBytes >= SURVEY_PROGRESS_BYTES)) await send();
    }
    if (!parser && head.length > 0) {
      parser = startParser();
      parser.push(head);
    }
    if (!parser) throw new MmError('MM_IMPORT_EMPTY', `${fileName}: the file is empty (no header row)`);
    (parser as CsvParser).end();
    if (!header) throw new MmError('MM_IMPORT_EMPTY', `${fileName}: the file is empty (no header row)`);
    await send();
  }
}

function headerTooLong(fileName: string): MmError {
  return new MmError(
    'MM_IMPORT_MALFORMED_CSV',
    `${fileName} line 1: the header line is longer than the limit of ${MAX_HEADER_LINE.toLocaleString('en-US')} characters ` +
      '(no line break within them). The first line must be the header: column names separated by commas, semicolons or tabs.',
    { line: 1, column: 1 },
  );
}

/** Validates one record and turns it into a staged row, or records why not. */
function readRow(dataset: DatasetDefinition, header: HeaderMap, fields: string[], line: number, context: RowContext, errors: RowProblem[]): StagedRow | null {
  if (fields.length !== header.width) {
    // Spreadsheets often pad rows with empty trailing cells; only real data beyond the header is ragged.
    const padded = fields.length > header.width && fields.slice(header.width).every((f) => f.trim() === '');
    if (!padded) {
      errors.push({
        line,
        column: null,
        field: null,
        value: null,
        reason: `has ${fields.length} fields but the header has ${header.width} (check delimiters and quotes)`,
      });
      return null;
    }
  }
  const cells: Record<string, string> = {};
  for (const column of header.columns) cells[column.field] = fields[column.index] ?? '';
  const parsed = header.rowSchema.safeParse(cells);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      const at = header.locate(field);
      errors.push({ line, column: at?.column ?? null, field: at?.header ?? field, value: cells[field] ?? null, reason: issue.message });
    }
    return null;
  }
  const data = parsed.data as Record<string, unknown>;
  if (dataset.referencesClient) {
    const id = (data.client_id as string | null | undefined) ?? null;
    const name = (data.client_name as string | null | undefined) ?? null;
    const clientId = context.resolveClient(id, name);
    if (clientId === null) {
      const field = id !== null ? 'client_id' : 'client_name';
      const at = header.locate(field);
      const reason =
        id === null && name === null
          ? 'client is required (client_id or client_name)'
          : `unknown client: no client has this ${id !== null ? 'id' : 'name'}; import it in clients first`;
      errors.push({ line, column: at?.column ?? null, field: at?.header ?? field, value: id ?? name, reason });
      return null;
    }
    data.client_id = clientId;
  }
  const built = dataset.build(data, context);
  if ('problem' in built) {
    const at = built.problem.field ? header.locate(built.problem.field) : null;
    errors.push({
      line,
      column: at?.column ?? null,
      field: at?.header ?? built.problem.field,
      value: at ? (fields[at.column - 1] ?? null) : null,
      reason: built.problem.reason,
    });
    return null;
  }
  const values = dataset.columns.map((column) => built.values[column] ?? null);
  let baseKey: string | null = null;
  if (built.key === null) {
    // No id in the file: the row's content names it, so re-importing the file finds it again.
    baseKey = createHash('sha256')
      .update(`${dataset.name}\u001f${values.slice(1).join('\u001f')}`)
      .digest('base64url')
      .slice(0, 22);
  } else {
    values[0] = built.key;
  }
  return { values, baseKey, line };
}
