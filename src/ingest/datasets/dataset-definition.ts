import type { z } from 'zod';
import type { ClientNameMatch } from '../client-index.js';
import { optionalText } from '../field-types.js';
import type { DataTableName } from '../../storage/schema.js';

export type DatasetName = DataTableName;

/** One canonical input field: the header spellings it answers to and how a cell is read. */
export interface FieldSpec {
  /** Other header spellings (normalised: lower case, `_` for spaces and dashes). */
  aliases: readonly string[];
  schema: z.ZodType<unknown, string>;
  /** The header must contain this field (or an alias). */
  requiredColumn?: boolean;
}

/** A problem with one cell (field) or the whole row (field null). */
export interface RowProblem {
  field: string | null;
  reason: string;
}

/** What a dataset needs from the import while it builds a row. */
export interface RowContext {
  /** Resolves a client reference; null when unknown. */
  resolveClient(clientId: string | null, clientName: string | null): string | null;
  /** For the clients dataset: the existing client a name stands for (exact, mapped or loose; client-index.ts). */
  matchClientName(name: string): ClientNameMatch;
  /** Why `resolveClient` found no client for this reference. */
  clientRefusal(clientId: string | null, clientName: string | null): string;
}

export type BuiltRow = { values: Record<string, unknown>; key: string | null } | { problem: RowProblem };

/**
 * How one dataset (clients, staff, invoices, time_logs, licenses) is read from a CSV and
 * stored. `columns` are the table's columns in a fixed order (provenance excluded); the
 * first is the key.
 */
export interface DatasetDefinition {
  name: DatasetName;
  /** Key column of the table. */
  keyColumn: string;
  columns: readonly string[];
  fields: Readonly<Record<string, FieldSpec>>;
  /** The dataset refers to clients by `client_id` or `client_name` (one of them must be a column). */
  referencesClient: boolean;
  /**
   * Turns validated cells into a table row. `key` null means the row has no id of its own:
   * the importer derives one from the row's content and its occurrence number.
   */
  build(cells: Record<string, unknown>, context: RowContext): BuiltRow;
}

/** Header spellings for a client reference, shared by every dataset that has one. */
export const clientReferenceFields: Record<string, FieldSpec> = {
  client_id: { aliases: ['clientid', 'customer_id', 'company_id', 'account_id', 'client_number', 'account_number'], schema: optionalText },
  client_name: {
    aliases: ['client', 'customer', 'customer_name', 'company', 'company_name', 'account', 'account_name', 'organization', 'organisation'],
    schema: optionalText,
  },
};
