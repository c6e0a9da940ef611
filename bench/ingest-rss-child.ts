// Imports one big time-log file into a fresh SQLite data dir and prints its own peak RSS.
import { importFile } from '../src/ingest/import-file.js';
import { openDatabase } from '../src/metrics/rollups/open-database.js';
import { benchConfig } from './bench-support.js';

const [dataDir, clients, staff, file] = process.argv.slice(2) as [string, string, string, string];
const config = benchConfig(dataDir);
const database = await openDatabase(config);
await importFile(database, config, { dataset: 'clients', file: clients });
await importFile(database, config, { dataset: 'staff', file: staff });
const started = performance.now();
const report = await importFile(database, config, { dataset: 'time_logs', file });
const seconds = (performance.now() - started) / 1000;
if (report.status !== 'succeeded') throw new Error(report.message);
await database.close();
process.stdout.write(`${JSON.stringify({ rows: report.rows.added, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
