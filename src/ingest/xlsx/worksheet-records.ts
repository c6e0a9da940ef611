import { createReadStream } from 'node:fs';
import { MmError } from '../../errors.js';
import { columnLetters } from '../import-report.js';
import { cellText, FormulaWithoutResult, type SheetCellValue } from './cell-text.js';
import type { WorkbookSheet } from './workbook-sheets.js';

/**
 * Streams one worksheet's rows as records of cell texts (cell-text.ts), the way csv-reader.ts
 * streams a CSV file's lines, with exceljs's streaming `WorkbookReader` (shared strings
 * cached in memory, worksheets emitted one at a time, styles cached so date cells are seen).
 *
 * What the format allows for memory: the shared-string table is held whole (a cell names
 * its string by index); rows are not. exceljs streams a worksheet from the archive only when
 * the shared strings come before it; Excel writes them after the worksheets, so exceljs
 * first copies the worksheet's XML to a temporary file (in the OS temp directory) and
 * parses it from there once the archive has been read. Memory stays flat either way.
 */

export interface WorksheetRecordsInput {
  file: string;
  sheet: WorkbookSheet;
  date1904: boolean;
  /** Names the file and sheet in messages: `time.xlsx sheet 'Time'`. */
  label: string;
  /**
   * Called once per record in row order: the first non-blank row (the header), then every
   * non-blank row after it. `row` is the worksheet row number. Blank rows, and rows before
   * the header, are skipped; a record has exactly as many fields as the header has cells
   * up to its last non-empty one (cells beyond it have no column name, as in a CSV that
   * Excel saves, where they would be ignored).
   */
  onRecord: (fields: string[], row: number) => void;
  /** Awaited after each record, with the bytes of the file read so far: the caller sends its batches here. */
  afterRecord: (bytesRead: number) => Promise<void> | void;
  /**
   * Asked after each record until it says yes: whether that record was the header. Rows
   * before it (a report's title lines, often one merged cell) keep their own width instead
   * of setting the header's. Without it, the first non-blank row is the header.
   */
  headerFound?: () => boolean;
}

/** What the reader saw: where the header was. */
export interface WorksheetRecordsResult {
  /** The header's row number; null when the sheet has no non-blank row. */
  headerRow: number | null;
}

type ExcelJsModule = typeof import('exceljs');

/** Loaded on first use: exceljs costs start-up time every command would otherwise pay. */
let excelJs: Promise<ExcelJsModule> | null = null;

export async function readWorksheetRecords(input: WorksheetRecordsInput): Promise<WorksheetRecordsResult> {
  const ExcelJS = ((await (excelJs ??= import('exceljs'))) as ExcelJsModule & { default?: ExcelJsModule }).default ?? (await excelJs);
  const stream = createReadStream(input.file, { highWaterMark: 64 * 1024 });
  let bytesRead = 0;
  stream.on('data', (chunk) => (bytesRead += chunk.length));
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'emit',
  });
  // The worksheet about to be emitted: exceljs names its part in an 'entry' event just before.
  let part: string | null = null;
  (reader as unknown as NodeJS.EventEmitter).on('entry', (entry: { type: string; id?: string }) => {
    if (entry.type === 'worksheet') part = `xl/worksheets/sheet${entry.id}.xml`;
  });

  let headerRow: number | null = null;
  let width = 0;
  let found = false;
  let failure: unknown = null;
  try {
    for await (const worksheet of reader) {
      // Every worksheet is iterated to the end, ours or not and even after a failure: exceljs
      // removes a worksheet's temporary copy only once its iteration has finished.
      const ours = part === input.sheet.part && !found;
      if (!ours || failure !== null) {
        for await (const _row of worksheet) void _row;
        continue;
      }
      found = true;
      for await (const row of worksheet) {
        if (failure !== null) continue;
        try {
          const fields = rowTexts(row, input, headerRow === null ? 0 : width);
          if (fields === null) continue;
          input.onRecord(fields, row.number);
          if (headerRow === null && (input.headerFound?.() ?? true)) {
            headerRow = row.number;
            width = fields.length;
          }
          await input.afterRecord(bytesRead);
        } catch (error) {
          failure = error;
        }
      }
    }
  } catch (error) {
    if (failure !== null) throw inSheetTerms(failure, input.label, headerRow);
    // The archive itself failed (damaged deflate data, a part cut short, malformed XML).
    throw new MmError(
      'MM_IMPORT_WORKBOOK_UNREADABLE',
      `${input.label}: the workbook cannot be read: ${(error as Error).message}. Open it in Excel and save it again as .xlsx, or save the sheet as CSV (UTF-8).`,
    );
  } finally {
    stream.destroy();
  }
  if (failure !== null) throw inSheetTerms(failure, input.label, headerRow);
  if (!found) throw new MmError('MM_IMPORT_WORKBOOK_UNREADABLE', `${input.label}: the sheet's rows (${input.sheet.part}) could not be found in the workbook.`);
  return { headerRow };
}

/**
 * A whole-file error from the shared reading code (header, dates) says `line N`, as for a
 * CSV file; a sheet numbers rows, and its header need not be on row 1 (blank rows above it
 * are skipped), where the header check places its errors.
 */
function inSheetTerms(error: unknown, label: string, headerRow: number | null): unknown {
  if (!(error instanceof MmError)) return error;
  const prefix = `${label} line `;
  if (!error.message.startsWith(prefix)) return error;
  const match = /^(\d+)/.exec(error.message.slice(prefix.length));
  if (!match) return error;
  const details = (error.details ?? {}) as { line?: number };
  const row = error.code === 'MM_IMPORT_HEADER' && headerRow !== null ? headerRow : Number(match[1]);
  const message = `${label} row ${row}${error.message.slice(prefix.length + match[1]!.length)}`;
  return new MmError(error.code, message, typeof details === 'object' ? { ...details, line: row } : error.details);
}

interface SheetRow {
  number: number;
  eachCell(callback: (cell: SheetCell, column: number) => void): void;
}

interface SheetCell {
  value: unknown;
  numFmt: string | undefined;
}

/**
 * The row's cell texts, or null for a blank row (no cell with text). `width` 0: the header,
 * as wide as its last non-empty cell; otherwise records are cut or padded to `width`.
 */
function rowTexts(row: SheetRow, input: WorksheetRecordsInput, width: number): string[] | null {
  const fields: string[] = [];
  let last = 0;
  row.eachCell((cell, column) => {
    if (width > 0 && column > width) return;
    const text = cellText(cell.value as SheetCellValue, cell.numFmt, input.date1904);
    if (text instanceof FormulaWithoutResult) throw formulaWithoutResult(input.label, row.number, column, text.formula);
    if (text === '') return;
    while (fields.length < column - 1) fields.push('');
    fields[column - 1] = text;
    last = column;
  });
  if (last === 0) return null;
  while (fields.length < width) fields.push('');
  return fields;
}

function formulaWithoutResult(label: string, row: number, column: number, formula: string): MmError {
  return new MmError(
    'MM_IMPORT_WORKBOOK_UNREADABLE',
    `${label} row ${row}, column ${columnLetters(column)}: the formula =${formula} was saved without its result ` +
      '(the program that wrote the workbook does not calculate). Open the workbook in Excel or LibreOffice and save it, or save the sheet as CSV (UTF-8).',
    { line: row, column },
  );
}
