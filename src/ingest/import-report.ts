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
