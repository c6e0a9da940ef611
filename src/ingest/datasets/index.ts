import { MmError } from '../../errors.js';
import { clientsDataset } from './clients.js';
import type { DatasetDefinition, DatasetName } from './dataset-definition.js';
import { datasetNameOf, datasetNames, unknownDatasetMessage } from './dataset-names.js';
import { invoicesDataset } from './invoices.js';
import { licensesDataset } from './licenses.js';
import { staffDataset } from './staff.js';
import { timeLogsDataset } from './time-logs.js';

/** In the order of `datasetNames`: clients before anything that names a client. */
export const datasets: Record<DatasetName, DatasetDefinition> = {
  clients: clientsDataset,
  staff: staffDataset,
  invoices: invoicesDataset,
  time_logs: timeLogsDataset,
  licenses: licensesDataset,
};

export { datasetNames };

/** Accepts `time_logs`, `time-logs`, `timelogs`. */
export function getDataset(name: string): DatasetDefinition {
  const found = datasetNameOf(name);
  if (!found) throw new MmError('MM_IMPORT_UNKNOWN_DATASET', unknownDatasetMessage(name));
  return datasets[found];
}
