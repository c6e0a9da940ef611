import type { DateOrderSetting } from '../config/schema.js';
import type { DatasetName } from './datasets/dataset-definition.js';
import type { EncodingScan } from './encoding.js';
import type { MappingProfile } from './presets/mapping-profile.js';
import type { ClientList, FileFacts, RowBatch, WorksheetSource } from './row-reader.js';
import type { PackedRows } from './row-packing.js';

/** The messages between the importer and its row-reading worker (read-rows-in-worker.ts). */

/** What the worker is created with. */
export interface WorkerSetup {
  /** Batches the worker may have sent ahead of the importer's writes. */
  batchesAhead: number;
}

/** What the worker reads: a `ReadFileInput` with the dataset by name. */
export interface WorkerInput {
  file: string;
  encoding: EncodingScan | null;
  worksheet: WorksheetSource | null;
  dataset: DatasetName;
  fileName: string;
  dateOrder: DateOrderSetting;
  batchRows: number;
  preset?: string;
  profile?: MappingProfile;
  profiles?: MappingProfile[];
  client?: string;
  prices?: Array<[string, number]>;
}

/** An error, as it crosses the thread boundary (an MmError keeps its code and details). */
export interface WorkerError {
  code: string | null;
  message: string;
  details: unknown;
  stack: string | undefined;
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'begin'; id: number }
  | { type: 'restart'; id: number }
  | { type: 'note'; facts: Partial<FileFacts> }
  | { type: 'batch'; batch: Omit<RowBatch, 'rows'>; rows: PackedRows }
  | { type: 'done' }
  | { type: 'error'; error: WorkerError };

export type ToWorker = { type: 'start'; input: WorkerInput } | { type: 'reply'; id: number; clients?: ClientList } | { type: 'batch-written' };
