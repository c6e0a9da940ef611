import path from 'node:path';
import type { Config } from '../config/schema.js';
import { MmError } from '../errors.js';
import { importFile } from '../ingest/import-file.js';
import type { ImportReport } from '../ingest/import-report.js';
import type { Database } from '../storage/database.js';
import { currentVersionNumber } from '../versions/versions-repository.js';
import { writeSampleMsp } from './write-sample-msp.js';

/** Order that satisfies references: clients first. */
const demoOrder = ['clients', 'staff', 'invoices', 'time_logs', 'licenses'] as const;

/**
 * Generates the bundled sample MSP into `<data_dir>/demo/` and imports it through the
 * normal import path, each file as a version marked `is_demo`, created by `demo`.
 * Refuses to mix demo rows into real data unless `force` is set.
 */
export async function loadDemoData(database: Database, config: Config, options: { force?: boolean } = {}): Promise<ImportReport[]> {
  const current = await currentVersionNumber(database.kysely);
  if (current > 0 && !options.force) {
    throw new MmError(
      'MM_USAGE',
      `the database already holds data (version ${current}); loading demo data would mix it with yours. Use an empty --data-dir, or --force`,
    );
  }
  const sample = await writeSampleMsp(path.join(config.data_dir, 'demo'));
  const reports: ImportReport[] = [];
  for (const dataset of demoOrder) {
    const report = await importFile(database, config, { dataset, file: sample.files[dataset], actor: 'demo', isDemo: true, mode: 'strict' });
    if (report.status === 'failed') throw new MmError('MM_INTERNAL', `demo data failed to import: ${report.message} ${report.errors[0]?.message ?? ''}`);
    reports.push(report);
  }
  return reports;
}
