import { createReadStream } from 'node:fs';
import { MmError } from '../errors.js';
import { CsvParser, detectDelimiter } from './csv-reader.js';
import { createDecoder } from './encoding.js';
import { inspectFile } from './inspect-file.js';
import { isBlankRecord, isTitleRecord, TITLE_ROWS } from './summary-rows.js';
import { chooseSheet, readWorkbookOutline } from './xlsx/workbook-sheets.js';
import { readWorksheetRecords } from './xlsx/worksheet-records.js';

/**
 * The header row of a file, or of text pasted or uploaded (its first lines), for proposing a
 * mapping (header-proposal.ts): the first record that is not a report's title line (a title
 * has at most two filled cells, as the importer skips them: summary-rows.ts), read in the
 * file's own encoding and delimiter, or from a workbook's sheet. Nothing is stored.
 */
export interface HeaderRow {
  /** The header cells as written (trimmed). */
  cells: string[];
  /** The line (CSV) or row (workbook) it is on. */
  line: number;
}

/** Characters read before giving up on finding a header (the importer's own header line limit). */
const MAX_HEADER_TEXT = 1 << 20;

/** The header among the complete records of `text`; null when more text may still bring it. */
function headerAmong(text: string, label: string, complete: boolean): HeaderRow | null {
  const records: HeaderRow[] = [];
  const parser = new CsvParser({
    // Read off the header line, past title lines above it, as the importer does.
    delimiter: detectDelimiter(text),
    fileLabel: label,
    onRecord: (fields, line) => {
      if (!isBlankRecord(fields)) records.push({ cells: fields.map((f) => f.trim()), line });
    },
  });
  parser.push(text.replace(/^\uFEFF/, ''));
  if (complete) parser.end();
  return chooseHeader(records, complete);
}

function chooseHeader(records: readonly HeaderRow[], complete: boolean): HeaderRow | null {
  const header = records.slice(0, TITLE_ROWS + 1).find((record) => !isTitleRecord(record.cells));
  if (header) return header;
  // Only short lines: the first is the header after all (a file of one or two columns).
  if (complete || records.length > TITLE_ROWS) return records[0] ?? null;
  return null;
}

function noHeader(label: string): MmError {
  return new MmError('MM_IMPORT_EMPTY', `${label}: the file is empty (no header row)`);
}

/** The header row of text: a header line, or the first lines of a file (`POST /api/v1/import-profiles`). */
export function headerRowOfText(text: string, label: string): HeaderRow {
  const header = headerAmong(text.slice(0, MAX_HEADER_TEXT), label, true);
  if (!header) throw noHeader(label);
  return header;
}

/** Stops reading a worksheet once its header is known. */
class HeaderFound extends Error {}

/** The header row of a CSV file or of a workbook's sheet (`sheet`: by name, default the first). */
export async function readHeaderRow(file: string, label: string, sheet?: string): Promise<HeaderRow> {
  const inspected = await inspectFile(file, label, null);
  if (inspected.format === 'xlsx') {
    const outline = await readWorkbookOutline(file, label);
    const chosen = chooseSheet(outline, sheet, label);
    const records: HeaderRow[] = [];
    try {
      await readWorksheetRecords({
        file,
        sheet: chosen,
        date1904: outline.date1904,
        label: `${label} sheet '${chosen.name}'`,
        onRecord: (fields, row) => void records.push({ cells: fields.map((f) => f.trim()), line: row }),
        // Title rows (one merged cell, a date range) keep their own width; the header sets it.
        headerFound: () => !isTitleRecord(records[records.length - 1]!.cells),
        afterRecord: () => {
          if (chooseHeader(records, false)) throw new HeaderFound();
        },
      });
    } catch (error) {
      if (!(error instanceof HeaderFound)) throw error;
    }
    const header = chooseHeader(records, true);
    if (!header) throw noHeader(`${label} sheet '${chosen.name}'`);
    return header;
  }
  if (sheet !== undefined) {
    throw new MmError('MM_IMPORT_UNKNOWN_SHEET', `${label} is a CSV file, which has no sheets; a sheet can only be chosen in an Excel workbook (.xlsx)`);
  }
  const raw = createReadStream(file, { highWaterMark: 64 * 1024 });
  const decoded = raw.pipe(createDecoder(inspected.encoding!));
  raw.on('error', (error) => decoded.destroy(error));
  let text = '';
  try {
    for await (const chunk of decoded) {
      text += chunk as string;
      const header = headerAmong(text, label, false);
      if (header) return header;
      if (text.length > MAX_HEADER_TEXT) break;
    }
  } finally {
    raw.destroy();
    decoded.destroy();
  }
  const header = headerAmong(text.slice(0, MAX_HEADER_TEXT), label, true);
  if (!header) throw noHeader(label);
  return header;
}
