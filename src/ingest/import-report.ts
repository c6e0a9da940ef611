import type { ErrorCode } from '../errors.js';

/** One refused cell or row, located in the file. */
export interface RowError {
  line: number;
  /** 1-based column in the file, when the problem is one cell. */
  column: number | null;
  /** The header of that column as written in the file (or the canonical field). */
  field: string | null;
  value: string | null;
  reason: string;
  /**
   * A full sentence: `time_logs.csv line 12, column 5 (hours): '-2' must not be negative`;
   * in a workbook, `time.xlsx sheet 'Time' row 12, column E (hours): …` (`line` and `column`
   * are then the sheet's row and column numbers).
   */
  message: string;
}

/** How the file was read: which vendor export it is, and the rows that were not data. */
export interface ImportFormat {
  /** The vendor preset used (`connectwise-time`); null for canonical columns. */
  preset: { id: string; name: string } | null;
  /** Title lines skipped above the header row. */
  titleRows: number;
  /** Total, subtotal, footer and blank rows skipped, and rows a preset skips (payments in a QuickBooks transaction list). */
  skippedRows: number;
  /** How each date column was read: `ymd` (year first), `dmy`, `mdy`, `excel-serial`; null when it held no dates. */
  dateOrders: Array<{ column: string; order: 'ymd' | 'dmy' | 'mdy' | 'excel-serial' | null }>;
  /** The decimal mark of the file's numbers (`.` or `,`); null when none had one. */
  decimalSeparator: '.' | ',' | null;
  /** The currency money cells were marked with (ISO code: `$` is the configured dollar currency), else null. */
  currency: string | null;
}

export const noFormat: ImportFormat = { preset: null, titleRows: 0, skippedRows: 0, dateOrders: [], decimalSeparator: null, currency: null };

/** Client names in the file that matched no client exactly (docs/IMPORTING.md, "Client names across sources"). */
export interface ClientMatchReport {
  /** Names resolved by the loose match key to the one client that has it: loaded, awaiting confirmation. */
  automatic: Array<{ name: string; clientId: string; clientName: string; rows: number }>;
  /** Names no client could be found for (rows rejected); `candidates` names the clients an ambiguous one matches. */
  unmapped: Array<{ name: string; rows: number; candidates: string[] }>;
}

export type ImportStatus = 'succeeded' | 'unchanged' | 'failed' | 'validated';

export interface ImportReport {
  importId: string;
  dataset: string;
  fileName: string;
  sha256: string;
  bytes: number;
  /** A CSV file's encoding and delimiter; null for a workbook. */
  encoding: string | null;
  delimiter: string | null;
  /** The worksheet imported from a workbook (.xlsx); null for a CSV file. */
  sheet: string | null;
  mode: 'strict' | 'lenient';
  dryRun: boolean;
  status: ImportStatus;
  /** The dataset version created (null for dry runs, failures and imports that changed nothing). */
  version: number | null;
  rows: { total: number; added: number; updated: number; unchanged: number; rejected: number };
  errorCount: number;
  /** The first errors; every one of them is in `rejectsFile`. */
  errors: RowError[];
  /** Set when the file as a whole was refused (encoding, malformed CSV, header). */
  errorCode: ErrorCode | null;
  ignoredColumns: string[];
  format: ImportFormat;
  clientMatches: ClientMatchReport;
  message: string;
  rejectsFile: string | null;
  createdBy: string;
  startedAt: string;
  finishedAt: string;
}

/** A row error as one sentence; `sheet` set: the file is a workbook, whose places are rows and lettered columns of that sheet. */
export function formatRowError(fileLabel: string, e: Omit<RowError, 'message'>, sheet: string | null = null): string {
  const row = sheet === null ? `line ${e.line}` : `sheet '${sheet}' row ${e.line}`;
  const column = e.column === null ? null : sheet === null ? String(e.column) : columnLetters(e.column);
  const where = column !== null ? `${row}, column ${column}${e.field ? ` (${e.field})` : ''}` : row;
  const value = e.value !== null && e.column !== null ? `'${truncate(e.value)}' ` : '';
  return `${fileLabel} ${where}: ${value}${e.reason}`;
}

/** 1 → A, 27 → AA: how a spreadsheet names a column. */
export function columnLetters(column: number): string {
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

function truncate(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}
