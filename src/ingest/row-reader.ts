import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { DateOrderSetting } from '../config/schema.js';
import { MmError } from '../errors.js';
import { CsvParser, detectDelimiter, type Delimiter } from './csv-reader.js';
import { clientIndex, type ClientIndex, type ClientList, type ClientNameCount } from './client-index.js';
import type { DatasetDefinition, RowContext } from './datasets/dataset-definition.js';
import { DateColumns, DateSurveyNeeded, type DateColumnFacts, type DateSurvey } from './date-columns.js';
import type { NumberFacts } from './number-convention.js';
import { createDecoder, type EncodingScan } from './encoding.js';
import { listedNames, mapHeader, type HeaderMap, type PresetSelection, type PresetUsed } from './header-map.js';
import type { ImportPreset, PresetRowContext } from './presets/import-preset.js';
import { presetById } from './presets/index.js';
import { profilePreset, profilePresetId, type MappingProfile } from './presets/mapping-profile.js';
import { LineItemGroups } from './line-item-groups.js';
import { parseCells } from './parse-cells.js';
import { isBlankRecord, isSummaryRecord, isTitleRecord, TITLE_ROWS } from './summary-rows.js';
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

export type { ClientList } from './client-index.js';

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
  /** Client names matched loosely or not at all, counted since the previous batch (client-index.ts). */
  clientNames?: ClientNameCount[];
}

/** What the reader learns about the file as a whole. */
export interface FileFacts {
  delimiter: Delimiter;
  /** Header cells that match no field (a summary list). */
  ignoredColumns: string[];
  /** The vendor export the file was read as; null for canonical columns. */
  preset: PresetUsed | null;
  /** Total and subtotal rows, rows of empty cells, and rows a preset skips (a payment in an invoice list): not data. */
  skippedRows: number;
  /** Lines before the header (a report's title) that were skipped. */
  titleRows: number;
  /** The file's decimal mark and currency marks. */
  numbers: NumberFacts;
  /** How each date column was read. */
  dateColumns: DateColumnFacts[];
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
  /** `auto` (default: recognise a vendor export from the header), `none` (canonical columns only) or a preset id. */
  preset?: string;
  /** A saved mapping profile chosen by name (`--profile`, `--preset profile:NAME`): read with it, whatever `preset` says. */
  profile?: MappingProfile;
  /** With `auto`: the dataset's saved profiles, used when one fits the header (presets/mapping-profile.ts). */
  profiles?: MappingProfile[];
  /** The client (id or name) of rows that name none: a one-tenant export without a client column (`--client`). */
  client?: string;
  /** Monthly cost per seat in cents by product key, from `--price-list` (price-list.ts). */
  prices?: Array<[string, number]>;
}

function presetSelection(input: ReadFileInput): PresetSelection {
  const choice = input.preset;
  if (input.profile) return { kind: 'preset', preset: profilePreset(input.profile) };
  if (choice === undefined || choice === 'auto') return { kind: 'auto', ...(input.profiles ? { profiles: input.profiles } : {}) };
  if (choice === 'none') return { kind: 'none' };
  return { kind: 'preset', preset: presetById(choice) };
}

/** The preset a header was mapped with: a vendor preset, or the saved profile it names. */
function presetUsed(input: ReadFileInput, used: PresetUsed | null): ImportPreset | null {
  if (!used) return null;
  const profile = [...(input.profile ? [input.profile] : []), ...(input.profiles ?? [])].find((p) => profilePresetId(p.name) === used.id);
  return profile ? profilePreset(profile) : presetById(used.id);
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
  let headerError: unknown = null;
  let titleRows = 0;
  let skippedRows = 0;
  let groups: LineItemGroups | null = null;
  /** The latest section heading's text (a report grouped by client; see `HeaderMap.sectionField`). */
  let section = '';
  const selection = presetSelection(input);
  let parser: CsvParser | null = null;
  let batch: RowBatch = { rows: [], errors: [], read: 0, rejected: 0, bytesRead: 0 };
  let reportedBytes = 0;
  const context: RowContext = {
    resolveClient: (id, name) => clients.resolve(id, name),
    matchClientName: (name) => clients.matchName(name),
    clientRefusal: (id, name) => clients.refusal(id, name),
  };
  const hooks: RowHooks = { clientOption: null, complete: null };
  const onRecord = (fields: string[], line: number): void => {
    if (!header) {
      try {
        header = mapHeader(dataset, fields, fileName, input.dates, selection, line);
      } catch (error) {
        // A report's title lines (a name, a date range) may come before the header: skip a few short ones.
        // A longer line is the header, refused with its own error.
        if (!isTitleRecord(fields) || titleRows >= TITLE_ROWS) throw error;
        headerError ??= error;
        titleRows += 1;
        return;
      }
      // Summarised: a header of a million unknown columns would otherwise be stored whole in the import record.
      sink.note({ ignoredColumns: listedNames(header.ignored), preset: header.preset, titleRows });
      if (header.grouping) groups = new LineItemGroups(header.grouping, header);
      Object.assign(hooks, rowHooks(input, header, presetUsed(input, header.preset), clients, line));
      input.survey?.start(header.columns);
      return;
    }
    if (header.sectionHeadings === true && !isBlankRecord(fields)) {
      // A section heading (`Acme Corp` alone in the first column) names the client of the rows below it,
      // unless a column of their own names them (a customised report): then it is only a heading.
      const first = (fields[0] ?? '').trim();
      if (first !== '' && isBlankRecord(fields.slice(1))) {
        section = first;
        if (!input.survey) skippedRows += 1;
        return;
      }
      if (first === '' && header.sectionField !== undefined) fields[0] = section;
    }
    if (isBlankRecord(fields) || isSummaryRecord(fields, header, dataset) || header.skips?.(fields) === true) {
      if (!input.survey) skippedRows += 1;
      return;
    }
    if (input.survey) return input.survey.add(fields, line);
    batch.read += 1;
    if (groups) {
      if (isRagged(header, fields, line, batch.errors) || !groups.add(fields, line, batch.errors)) batch.rejected += 1;
      return;
    }
    const staged = readRow(dataset, header, fields, line, context, hooks, batch.errors);
    if (staged) batch.rows.push(staged);
    else batch.rejected += 1;
  };
  const send = async (): Promise<void> => {
    const full = batch;
    full.bytesRead = reportedBytes = bytesRead;
    full.clientNames = clients.takeCounts();
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
      headerFound: () => header !== null,
      afterRecord: async (bytes) => {
        bytesRead = bytes;
        if (batch.rows.length >= input.batchRows || (input.survey && bytesRead - reportedBytes >= SURVEY_PROGRESS_BYTES)) await send();
      },
    });
    // Only title-like rows and no header: the first of them was refused as a header, say why.
    if (read.headerRow === null) throw headerError ?? new MmError('MM_IMPORT_EMPTY', `${fileName} is empty (no header row)`);
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
      input.dates.numbers.useDelimiter(delimiter);
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
    if (!header) {
      if (headerError) throw headerError;
      throw new MmError('MM_IMPORT_EMPTY', `${fileName}: the file is empty (no header row)`);
    }
    if (groups && !input.survey) {
      // Grouped rows are complete only at the end of the file; those refused here count as rows read.
      const flushed = (groups as LineItemGroups).finish((data, line, errors) => finishRow(dataset, header!, data, line, context, hooks, errors), batch.errors);
      batch.rows.push(...flushed.rows);
      batch.rejected += flushed.rejected;
    }
    if (!input.survey) sink.note({ skippedRows, numbers: input.dates.numbers.facts, dateColumns: input.dates.facts });
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

/** What a file's preset and the import's options add to reading each row. */
interface RowHooks {
  /** The client id rows without a client get (`--client`). */
  clientOption: string | null;
  /** The preset's `complete`, with its context. */
  complete: ((cells: Record<string, unknown>) => ReturnType<NonNullable<ImportPreset['complete']>>) | null;
}

/**
 * The hooks for a file once its header is mapped. A file without a client column (a
 * Microsoft 365 tenant's export) needs `--client`: refused here, before any row, otherwise.
 */
function rowHooks(input: PassInput, header: HeaderMap, preset: ImportPreset | null, clients: ClientIndex, line: number): RowHooks {
  let clientOption: string | null = null;
  const hasClientColumn = header.locate('client_id') !== null || header.locate('client_name') !== null;
  if (input.dataset.referencesClient && !hasClientColumn) {
    const what = preset ? `a ${preset.name} export` : 'this file';
    if (input.client === undefined || input.client.trim() === '') {
      throw new MmError(
        'MM_IMPORT_NEEDS_CLIENT',
        `${input.fileName}: ${what} names no client (one file is one tenant): say whose it is with ` +
          '--client <client id or name> (HTTP client=<id or name>)',
        { line, preset: preset?.id ?? null },
      );
    }
    const wanted = input.client.trim();
    clientOption = clients.resolve(wanted, null) ?? clients.resolve(null, wanted);
    if (clientOption === null) {
      throw new MmError('MM_IMPORT_NEEDS_CLIENT', `${input.fileName}: --client '${wanted}': no client has this id or name; import it in clients first`, {
        line,
        client: wanted,
      });
    }
  }
  let complete: RowHooks['complete'] = null;
  if (preset?.complete) {
    const prices = new Map(input.prices ?? []);
    const presetContext: PresetRowContext = { prices, storedLicense: (id) => clients.licenses.get(id) ?? null };
    const run = preset.complete;
    complete = (cells) => run(cells, presetContext);
  }
  return { clientOption, complete };
}

/** Validates one record and turns it into a staged row, or records why not. */
function readRow(
  dataset: DatasetDefinition,
  header: HeaderMap,
  fields: string[],
  line: number,
  context: RowContext,
  hooks: RowHooks,
  errors: RowProblem[],
): StagedRow | null {
  if (isRagged(header, fields, line, errors)) return null;
  const data = parseCells(header, fields, line, errors);
  return data ? finishRow(dataset, header, data, line, context, hooks, errors, fields) : null;
}

/** A record with more or fewer fields than the header (its problem added to `errors`). */
function isRagged(header: HeaderMap, fields: string[], line: number, errors: RowProblem[]): boolean {
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
      return true;
    }
  }
  return false;
}

/** Resolves the client and builds the table row from validated cells, or records why not. */
function finishRow(
  dataset: DatasetDefinition,
  header: HeaderMap,
  data: Record<string, unknown>,
  line: number,
  context: RowContext,
  hooks: RowHooks,
  errors: RowProblem[],
  /** The record as read, for error values; absent for a row merged from line items. */
  fields?: string[],
): StagedRow | null {
  if (dataset.referencesClient) {
    const named = data.client_id != null || data.client_name != null;
    if (!named && hooks.clientOption !== null) data.client_id = hooks.clientOption;
    const id = (data.client_id as string | null | undefined) ?? null;
    const name = (data.client_name as string | null | undefined) ?? null;
    const clientId = context.resolveClient(id, name);
    if (clientId === null) {
      const field = id !== null ? 'client_id' : 'client_name';
      const at = header.locate(field);
      const reason = context.clientRefusal(id, name);
      errors.push({ line, column: at?.column ?? null, field: at?.header ?? field, value: id ?? name, reason });
      return null;
    }
    data.client_id = clientId;
  }
  const completed = hooks.complete?.(data) ?? null;
  const built = completed ? { problem: completed } : dataset.build(data, context);
  if ('problem' in built) {
    const at = built.problem.field ? header.locate(built.problem.field) : null;
    const typed = built.problem.field ? data[built.problem.field] : undefined;
    const value = at && fields ? (fields[at.column - 1] ?? null) : typed === undefined || typed === null ? null : String(typed);
    errors.push({
      line,
      column: at?.column ?? null,
      field: at?.header ?? built.problem.field,
      value,
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
