import type { AuditInput } from '../../governance/audit-log.js';
import type { ClientNameSighting } from '../client-aliases-repository.js';
import type { DatasetDefinition } from '../datasets/dataset-definition.js';
import type { DatasetVersionTable, ImportTable } from '../../storage/schema.js';

/**
 * A validated row on its way into the database. `values` follow `dataset.columns`; when
 * `baseKey` is set the row had no id and `values[0]` is null: the writer gives it
 * `<baseKey>:<occurrence>`, counting identical rows of the same file 1, 2, 3…
 */
export interface StagedRow {
  values: unknown[];
  baseKey: string | null;
  line: number;
}

/** A row the database refused (duplicate id, name already taken). */
export interface WriteRejection {
  line: number;
  field: string | null;
  value: string | null;
  reason: string;
}

export interface WriteCounts {
  added: number;
  updated: number;
  unchanged: number;
}

/**
 * Loads one file's rows inside one transaction: nothing is visible to anyone else until
 * `commit`, and a crash or `rollback` leaves the previous version exactly as it was.
 * One implementation per engine (SQLite: row-wise upsert on a dedicated connection;
 * PostgreSQL: COPY into a staging table, then a set-based merge).
 */
export interface ImportWriter {
  /**
   * Opens the transaction, waiting (asynchronously, up to `waitMs`) while another import
   * holds the write lock; returns the version number this import will create.
   */
  begin(options: BeginOptions): Promise<number>;
  write(rows: StagedRow[]): Promise<WriteRejection[]>;
  /** Ends the row stream; returns the last rejections and the final counts. */
  flush(): Promise<{ rejections: WriteRejection[]; counts: WriteCounts }>;
  /**
   * Records the import (and the version, when data changed) and its audit event, brings the
   * rollups up to date with the rows it wrote (when `refreshRollups`) and commits: the rows,
   * the version and the event become visible together or not at all.
   */
  commit(records: CommitRecords): Promise<void>;
  rollback(): Promise<void>;
}

export interface CommitRecords {
  version: DatasetVersionTable | null;
  importRecord: ImportTable;
  /** The import changed data: add its rows to the rollups. */
  refreshRollups: boolean;
  audit: AuditInput;
  /** Client names matched loosely or not at all, recorded in `client_aliases` in the same transaction. */
  clientNames: ClientNameSighting[];
}

export interface BeginOptions {
  /** Who imports what, shown to an import that has to wait for this one. */
  actor: string;
  activity: string;
  /** Longest wait for another import's lock before MM_DATABASE_BUSY. */
  waitMs: number;
  /** Told once, with who holds the lock, when this import has to wait. */
  onWait?: (holder: string) => void;
}

export interface ImportWriterOptions {
  dataset: DatasetDefinition;
}

/** Message for an id that occurs twice in one file. */
export function duplicateReason(dataset: DatasetDefinition, key: string, firstLine: number): string {
  return `duplicate ${dataset.keyColumn} '${key}': already on line ${firstLine} of this file`;
}
