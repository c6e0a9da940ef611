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
  /** A full sentence: `time_logs.csv line 12, column 5 (hours): '-2' must not be negative`. */
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
}

export const noFormat: ImportFormat = { preset: null, titleRows: 0, skippedRows: 0 };

export type ImportStatus = 'succeeded' | 'unchanged' | 'failed' | 'validated';

export interface ImportReport {
  importId: string;
  dataset: string;
  fileName: string;
  sha256: string;
  bytes: number;
  encoding: string | null;
  delimiter: string | null;
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
  message: string;
  rejectsFile: string | null;
  createdBy: string;
  startedAt: string;
  finishedAt: string;
}

export function formatRowError(fileLabel: string, e: Omit<RowError, 'message'>): string {
  const where = e.column !== null ? `line ${e.line}, column ${e.column}${e.field ? ` (${e.field})` : ''}` : `line ${e.line}`;
  const value = e.value !== null && e.column !== null ? `'${truncate(e.value)}' ` : '';
  return `${fileLabel} ${where}: ${value}${e.reason}`;
}

function truncate(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}
