import type { DatasetName } from './dataset-definition.js';

/**
 * The datasets by name, in an import order that satisfies references (clients before
 * anything that names a client). Apart from the definitions so that the CLI can check a
 * name, and list them in `--help`, without loading the parsers.
 */
export const datasetNames: readonly DatasetName[] = ['clients', 'staff', 'invoices', 'time_logs', 'licenses'];

/** Accepts `time_logs`, `time-logs`, `timelogs`; null for anything else. */
export function datasetNameOf(name: string): DatasetName | null {
  const normalised = name.trim().toLowerCase().replace(/-/g, '_');
  const candidate = normalised === 'timelogs' ? 'time_logs' : normalised;
  return datasetNames.find((known) => known === candidate) ?? null;
}

/** `unknown dataset 'client' (one of: …); did you mean 'clients'?` */
export function unknownDatasetMessage(name: string): string {
  const plural = datasetNameOf(`${name}s`);
  return `unknown dataset '${name}' (one of: ${datasetNames.join(', ')})${plural ? `; did you mean '${plural}'?` : ''}`;
}
