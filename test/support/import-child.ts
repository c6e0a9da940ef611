// A separate process that imports a file and reports progress on stdout, so a test can
// kill it in the middle of the import transaction.
import { loadConfig } from '../../src/config/load-config.js';
import { importFile } from '../../src/ingest/import-file.js';
import { openDatabase } from '../../src/metrics/rollups/open-database.js';

const [dataDir, databaseUrl, dataset, file] = process.argv.slice(2) as [string, string, string, string];
const { config } = loadConfig({ env: {}, overrides: { data_dir: dataDir, 'database.url': databaseUrl, 'ingest.batch_rows': 500 } });
const database = await openDatabase(config);
const report = await importFile(database, config, {
  dataset,
  file,
  onProgress: (p) => process.stdout.write(`progress ${p.rows}\n`),
});
process.stdout.write(`done ${report.status}\n`);
await database.close();
