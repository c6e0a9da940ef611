// Imports one time-log file (CSV or .xlsx) into a fresh SQLite data dir; prints its timing,
// its own peak RSS and a digest of the stored rows (so two formats can be shown to store the same).
import { createHash } from 'node:crypto';
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
const digest = createHash('sha256');
const rows = await database.kysely
  .selectFrom('time_logs')
  .select(['log_id', 'client_id', 'staff_key', 'work_date', 'hours_milli', 'rate_cents', 'billable'])
  .orderBy('log_id')
  .execute();
for (const row of rows) digest.update(`${Object.values(row).join('\u001f')}\n`);
await database.close();
const maxRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ rows: report.rows.added, seconds, maxRssMb, digest: digest.digest('hex'), sheet: report.sheet })}\n`);
