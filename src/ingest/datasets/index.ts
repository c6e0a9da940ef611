import { MmError } from '../../errors.js';
import { clientsDataset } from './clients.js';
import type { DatasetDefinition, DatasetName } from './dataset-definition.js';
import { invoicesDataset } from './invoices.js';
import { licensesDataset } from './licenses.js';
import { staffDataset } from './staff.js';
import { timeLogsDataset } from './time-logs.js';

/** Import order that satisfies references: clients before anything that names a client. */
export const datasets: Record<DatasetName, DatasetDefinition> = {
  clients: clientsDataset,
  staff: staffDataset,
  invoices: invoicesDataset,
  time_logs: timeLogsDataset,
  licenses: licensesDataset,
};

export const datasetNames = Object.keys(datasets) as DatasetName[];

/** Accepts `time_logs`, `time-logs`, `timelogs`. */
export function getDataset(name: string): DatasetDefinition {
  const normalised = name.trim().toLowerCase().replace(/-/g, '_');
  const found = datasets[(normalised === 'timelogs' ? 'time_logs' : normalised) as DatasetName];
  if (!found) {
    throw new MmError('MM_IMPORT_UNKNOWN_DATASET', `unknown dataset '${name}' (one of: ${datasetNames.join(', ')})`);
  }
  return found;
}
