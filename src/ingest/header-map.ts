import { z } from 'zod';
import { MmError } from '../errors.js';
import type { DatasetDefinition } from './datasets/dataset-definition.js';
import type { DateColumns } from './date-columns.js';

/** One file column that feeds a canonical field. */
export interface MappedColumn {
  /** 0-based position in the record. */
  index: number;
  field: string;
  /** The header cell as written in the file. */
  header: string;
}

export interface HeaderMap {
  columns: MappedColumn[];
  /** Header cells that match no field: ignored, and reported as a warning. */
  ignored: string[];
  /** Number of header cells (the expected field count of every record). */
  width: number;
  /** Zod schema over the mapped fields only. */
  rowSchema: z.ZodObject;
  /** 1-based column and header for a canonical field, for error messages. */
  locate(field: string): { column: number; header: string } | null;
}

/** `Time Entry ID` → `time_entry_id`, `IsNonBillable` → `isnonbillable`. */
export function normaliseHeader(cell: string): string {
  return cell
    .trim()
    .replace(/^\uFEFF/, '')
    .toLowerCase()
    .replace(/[\s\-./#]+/g, '_')
    .replace(/[()]/g, '')
    .replace(/^_+|_+$/g, '');
}

/** Column names kept or quoted in full: a header may hold hundreds of thousands of cells, each of any length. */
const LISTED_NAMES = 50;
const NAME_LENGTH = 100;

/**
 * The first names of a long list, each cut to a readable length, and how many more there
 * were: what an import record keeps of ignored columns, and what messages quote.
 *
 * @example
 * listedNames(['a', 'b', 'c'], 2) // ['a', 'b', '… and 1 more']
 */
export function listedNames(names: readonly string[], max = LISTED_NAMES): string[] {
  const shown = names.slice(0, max).map(shortName);
  return names.length > max ? [...shown, `… and ${names.length - max} more`] : shown;
}

function shortName(name: string): string {
  return name.length > NAME_LENGTH ? `${name.slice(0, NAME_LENGTH - 1)}…` : name;
}

/**
 * Maps a header row onto a dataset's fields by name and alias; refuses missing, ambiguous or
 * duplicate columns. With `dates`, each date column is read by its own reader (date-columns.ts).
 */
export function mapHeader(dataset: DatasetDefinition, header: string[], fileLabel: string, dates?: DateColumns): HeaderMap {
  const lookup = new Map<string, string>();
  for (const [field, spec] of Object.entries(dataset.fields)) {
    lookup.set(field, field);
    for (const alias of spec.aliases) if (!lookup.has(alias)) lookup.set(alias, field);
  }
  const columns: MappedColumn[] = [];
  const ignored: string[] = [];
  const byField = new Map<string, MappedColumn>();
  header.forEach((cell, index) => {
    const name = normaliseHeader(cell);
    const field = lookup.get(name);
    if (name === '' || !field) {
      if (name !== '') ignored.push(cell.trim());
      return;
    }
    const earlier = byField.get(field);
    if (earlier) {
      throw new MmError(
        'MM_IMPORT_HEADER',
        `${fileLabel} line 1: columns '${shortName(earlier.header)}' (column ${earlier.index + 1}) ` +
          `and '${shortName(cell.trim())}' (column ${index + 1}) both mean ${field}; remove one`,
        { line: 1, column: index + 1 },
      );
    }
    const mapped = { index, field, header: cell.trim() };
    byField.set(field, mapped);
    columns.push(mapped);
  });

  const missing = Object.entries(dataset.fields)
    .filter(([field, spec]) => spec.requiredColumn && !byField.has(field))
    .map(([field]) => field);
  if (dataset.referencesClient && !byField.has('client_id') && !byField.has('client_name')) missing.unshift('client_id or client_name');
  if (missing.length > 0) {
    throw new MmError(
      'MM_IMPORT_HEADER',
      `${fileLabel} line 1: missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} for ${dataset.name} ` +
        `(found: ${listedNames(header.map((h) => h.trim())).join(', ') || 'nothing'})`,
      { line: 1, missing },
    );
  }

  const shape: Record<string, z.ZodType<unknown, string>> = {};
  for (const column of columns) shape[column.field] = dates ? dates.schemaFor(column) : dataset.fields[column.field]!.schema;
  return {
    columns,
    ignored,
    width: header.length,
    rowSchema: z.object(shape),
    locate(field) {
      const column = byField.get(field);
      return column ? { column: column.index + 1, header: column.header } : null;
    },
  };
}
