import type { z } from 'zod';
import type { LicenseTable } from '../../storage/schema.js';
import type { DatasetName, RowProblem } from '../datasets/dataset-definition.js';

/**
 * A preset maps one vendor's export (a ConnectWise time-entry report, a Xero invoice export,
 * ...) onto a dataset's canonical fields, with the vendor's value conventions: which column
 * holds what, how its values are written, which rows are line items of one invoice. Presets
 * are data: the importer recognises one from the header row (presets/index.ts), builds the
 * header map from it (header-map.ts) and reads every row exactly as it reads a canonical file
 * — same validation, errors, streaming and versioning.
 *
 * Header spellings here are normalised as `normaliseHeader` does: lower case, spaces, dashes,
 * dots, slashes and `#` as `_`, parentheses and `*` dropped (`Bill (B/NB/NC)` → `bill_b_nb_nc`,
 * `*InvoiceNumber` → `invoicenumber`).
 */
export interface ColumnSource {
  /** The vendor's header spellings for this field, in order of preference. */
  headers: readonly string[];
  /** Rewrites a vendor value into one the canonical field reads (`DoNotBill` → `no`). */
  convert?: (value: string) => string;
  /** For a working field (name starting with `_`, not stored): how its cell is read. */
  schema?: z.ZodType<unknown, string>;
}

export interface DerivedSource {
  /** The vendor columns read, each by its header spellings. The first present one locates errors. */
  inputs: readonly (readonly string[])[];
  /** The canonical cell from the inputs' values, in the same order (`''` for an input column the file lacks). */
  derive: (values: readonly string[]) => string;
  /** How many of `inputs` the file must have for the field to count as present (default 1). */
  minInputs?: number;
  /** For a working field (name starting with `_`, not stored): how the derived cell is read. */
  schema?: z.ZodType<unknown, string>;
  /** The field counts as present only when the first input is (an amount, where the others only adjust it). */
  firstRequired?: boolean;
}

export type PresetSource = ColumnSource | DerivedSource;

export function isDerived(source: PresetSource): source is DerivedSource {
  return 'derive' in source;
}

/** Rows that share `key` (line items of one invoice) become one row. */
export interface LineItemGrouping {
  /** The canonical field that names the group (`invoice_id`). */
  key: string;
  /** Money fields added up over the group's lines; every other field is taken from its first line. */
  sum: readonly string[];
  /** Instead of `sum`: folds a later line's validated cells into the group's (the first line's, kept as the group). */
  merge?: (group: Record<string, unknown>, line: Record<string, unknown>) => void;
  /**
   * Fields added up only when the file gives them from one of these header spellings (a
   * per-line amount: Xero's `LineAmount`); from any other column (the invoice `Total` that
   * Xero repeats on every line) they are taken from the first line like the rest.
   */
  sumWhenFrom?: Readonly<Record<string, readonly string[]>>;
}

/** Rows of an export that are no records of the dataset (a payment in a QuickBooks transaction list). */
export interface SkippedRows {
  /** The column that tells, by its header spellings. */
  headers: readonly string[];
  /** True for a value whose row is skipped: counted with the total rows, neither imported nor refused. */
  skip: (value: string) => boolean;
}

/** What a preset's `complete` may use beyond the row: the import's options and the rows already stored. */
export interface PresetRowContext {
  /** Monthly cost per seat in cents by product key (license-products.ts), from `--price-list`; empty without one. */
  prices: ReadonlyMap<string, number>;
  /** The stored license with this id (a position another vendor file started), or null. */
  storedLicense(licenseId: string): StoredLicense | null;
}

/** The columns of a stored license a vendor preset completes a position from (all but its client and product). */
export const storedLicenseColumns = [
  'license_id',
  'vendor',
  'seats_purchased',
  'seats_used',
  'cost_per_seat_cents',
  'total_cost_cents',
  'price_per_seat_cents',
  'billing_term',
  'renewal_date',
  'start_date',
  'end_date',
  'seats_billed',
  'sources',
] as const;

/** A license row as stored, as far as a vendor preset completes it. */
export type StoredLicense = Pick<LicenseTable, (typeof storedLicenseColumns)[number]>;

export interface ImportPreset {
  /** Stable id for `--preset` and the import record: `connectwise-time`. */
  id: string;
  /** What a person calls the export: `ConnectWise PSA time entries`. */
  name: string;
  dataset: DatasetName;
  /**
   * Headers that only this export has. The preset is recognised when at least `minMatches` of
   * them are in the header row; among several candidates the one with the most matches wins.
   */
  identifyBy: readonly string[];
  minMatches: number;
  /**
   * Canonical field → where it comes from. Only these fields are read: a vendor's own ids
   * (`client_id` in HaloPSA is Halo's number, not ours) must not be taken for canonical ones.
   */
  fields: Readonly<Record<string, PresetSource>>;
  /** Canonical fields this export must provide (checked with the file's preset named in the error). */
  required: readonly string[];
  grouping?: LineItemGrouping;
  /**
   * Runs on a validated row once its client is resolved (`client_id` set), before the
   * dataset builds it: computes canonical fields from working ones and what other files
   * stored. Returns the row's problem, or null.
   */
  complete?: (cells: Record<string, unknown>, context: PresetRowContext) => RowProblem | null;
  skipRows?: SkippedRows;
  /**
   * Reports grouped by client (QuickBooks' "Transaction List by Customer"): when the file has
   * no column for this field and its header's first cell is blank, a row with only its first
   * cell filled is a section heading that gives this field to the rows below it.
   */
  sectionHeadings?: string;
}
