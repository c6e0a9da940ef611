/**
 * Ingestion benchmark (issue: foundation). Prints, in one run:
 *  - end-to-end import of N time-log rows from CSV into SQLite (parse, validate, resolve
 *    clients, upsert, version, rollups) and the same rows through a bare better-sqlite3
 *    prepared INSERT loop into the same schema with the same connection settings (the
 *    baseline), and that loop again with the secondary index built after the rows;
 *  - the same import into PostgreSQL (COPY + merge);
 *  - peak RSS of a child process importing a ≥ 1 GB CSV into SQLite.
 *
 * Usage: npm run bench:ingest -- [--rows 1000000] [--gb 1.05] [--skip-pg] [--skip-rss]
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { importFile } from '../src/ingest/import-file.js';
import { openDatabase } from '../src/metrics/rollups/open-database.js';
import { openSqliteConnection } from '../src/storage/database.js';
import { createIndexes, dropSecondaryIndexes } from '../src/storage/table-indexes-repository.js';
import { writeLargeMspReferenceData, writeLargeTimeLogs } from '../src/sample/index.js';
import { benchConfig, machine, measure, rate, scratchDir, scratchPostgres } from './bench-support.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    gb: { type: 'string', default: '1.05' },
    clients: { type: 'string', default: '1000' },
    'skip-pg': { type: 'boolean', default: false },
    'skip-rss': { type: 'boolean', default: false },
  },
});
const rows = Number(args.rows);
const clients = Number(args.clients);

console.log(`machine: ${machine()}`);
const dir = scratchDir('ingest');
const reference = await writeLargeMspReferenceData(dir, { clients, staff: 50 });
const csv = path.join(dir, 'time_logs.csv');
const written = await writeLargeTimeLogs(csv, { rows, clients, staff: 50 });
console.log(`input: ${written.rows.toLocaleString('en-US')} time-log rows, ${(written.bytes / 1e6).toFixed(1)} MB, ${clients} clients`);

async function loadReference(database: Awaited<ReturnType<typeof openDatabase>>, config: ReturnType<typeof benchConfig>): Promise<void> {
  for (const [dataset, file] of [
    ['clients', reference.clients],
    ['staff', reference.staff],
  ] as const) {
    const report = await importFile(database, config, { dataset, file });
    if (report.status !== 'succeeded') throw new Error(`${dataset}: ${report.message}`);
  }
}

// 1. SQLite end to end.
const sqliteConfig = benchConfig(path.join(dir, 'sqlite-e2e'));
const sqlite = await openDatabase(sqliteConfig);
await loadReference(sqlite, sqliteConfig);
const e2e = await measure(() => importFile(sqlite, sqliteConfig, { dataset: 'time_logs', file: csv }));
if (e2e.result.rows.added !== rows) throw new Error(`expected ${rows} rows added, got ${JSON.stringify(e2e.result.rows)}`);
console.log(`sqlite end-to-end import: ${e2e.seconds.toFixed(2)} s wall, ${e2e.cpuSeconds.toFixed(2)} s CPU → ${rate(rows, e2e.seconds)}`);

const again = await measure(() => importFile(sqlite, sqliteConfig, { dataset: 'time_logs', file: csv }));
console.log(`sqlite re-import of the same file (all unchanged, no version): ${again.seconds.toFixed(2)} s → ${rate(rows, again.seconds)}`);

// 2. Baseline: exactly the stored rows, pre-built in memory, through a bare prepared INSERT loop.
const stored = openSqliteConnection(path.join(sqliteConfig.data_dir, 'moatmetrics.db'));
const columns = [
  'log_id',
  'client_id',
  'staff_key',
  'staff_name',
  'work_date',
  'hours_milli',
  'rate_cents',
  'billable',
  'ticket',
  'work_type',
  'notes',
  'version_number',
  'source_line',
];
const memoryRows = stored
  .prepare(`SELECT ${columns.join(', ')} FROM time_logs`)
  .raw()
  .all() as unknown[][];
stored.close();
await sqlite.close();
const baseConfig = benchConfig(path.join(dir, 'sqlite-baseline'));
const baseDb = await openDatabase(baseConfig);
await loadReference(baseDb, baseConfig);
await baseDb.close();
const bare = openSqliteConnection(path.join(baseConfig.data_dir, 'moatmetrics.db'));
bare.pragma('cache_size = -65536'); // the import connection's setting
const insert = bare.prepare(`INSERT INTO time_logs (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
const baseline = await measure(async () => {
  bare.exec('BEGIN IMMEDIATE');
  for (const row of memoryRows) insert.run(row);
  bare.exec('COMMIT');
});
bare.close();
console.log(
  `sqlite baseline (bare prepared INSERT loop, rows already in memory): ${baseline.seconds.toFixed(2)} s wall, ${baseline.cpuSeconds.toFixed(2)} s CPU → ${rate(rows, baseline.seconds)}`,
);
console.log(
  `end-to-end / baseline: ${((100 * baseline.seconds) / e2e.seconds).toFixed(0)} % by wall time, ${((100 * baseline.cpuSeconds) / e2e.cpuSeconds).toFixed(0)} % by CPU time`,
);

// 2b. The same loop into the table without its secondary index, which is built afterwards
// (what the import does for a first load): the floor for a load into an empty table.
const deferredConfig = benchConfig(path.join(dir, 'sqlite-baseline-deferred'));
const deferredDb = await openDatabase(deferredConfig);
await loadReference(deferredDb, deferredConfig);
await deferredDb.close();
const bareDeferred = openSqliteConnection(path.join(deferredConfig.data_dir, 'moatmetrics.db'));
bareDeferred.pragma('cache_size = -65536');
const insertDeferred = bareDeferred.prepare(`INSERT INTO time_logs (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
const deferred = await measure(async () => {
  bareDeferred.exec('BEGIN IMMEDIATE');
  const indexes = dropSecondaryIndexes(bareDeferred, 'time_logs');
  for (const row of memoryRows) insertDeferred.run(row);
  createIndexes(bareDeferred, indexes);
  bareDeferred.exec('COMMIT');
});
bareDeferred.close();
console.log(
  `sqlite baseline with the index built after the rows: ${deferred.seconds.toFixed(2)} s wall, ${deferred.cpuSeconds.toFixed(2)} s CPU → ${rate(rows, deferred.seconds)} (end to end: ${((100 * deferred.seconds) / e2e.seconds).toFixed(0)} % of its rate by wall time)`,
);

// 3. PostgreSQL end to end.
if (!args['skip-pg']) {
  const scratch = await scratchPostgres();
  try {
    const pgConfig = benchConfig(path.join(dir, 'pg-e2e'), scratch.url);
    const database = await openDatabase(pgConfig);
    await loadReference(database, pgConfig);
    const pgRun = await measure(() => importFile(database, pgConfig, { dataset: 'time_logs', file: csv }));
    if (pgRun.result.rows.added !== rows) throw new Error(`postgres: ${pgRun.result.message}`);
    console.log(
      `postgres end-to-end import (COPY + merge): ${pgRun.seconds.toFixed(2)} s wall (client CPU ${pgRun.cpuSeconds.toFixed(2)} s) → ${rate(rows, pgRun.seconds)}`,
    );
    await database.close();
  } finally {
    await scratch.drop();
  }
}

// 4. Peak RSS importing a ≥ 1 GB file, in a child process so the figure is the import's own.
if (!args['skip-rss']) {
  const big = path.join(dir, 'time_logs_1gb.csv');
  const bigWritten = await writeLargeTimeLogs(big, { targetBytes: Math.round(Number(args.gb) * 1e9), clients, staff: 50 });
  console.log(`large input: ${bigWritten.rows.toLocaleString('en-US')} rows, ${(bigWritten.bytes / 1e9).toFixed(2)} GB`);
  const rssDir = path.join(dir, 'sqlite-rss');
  const child = spawn(
    process.execPath,
    ['--max-semi-space-size=64', '--import', 'tsx', path.join(import.meta.dirname, 'ingest-rss-child.ts'), rssDir, reference.clients, reference.staff, big],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`rss child failed: ${out}`);
  const result = JSON.parse(out.trim().split('\n').at(-1)!) as { rows: number; seconds: number; maxRssMb: number };
  console.log(
    `sqlite import of ${(bigWritten.bytes / 1e9).toFixed(2)} GB: ${result.seconds.toFixed(1)} s → ${rate(result.rows, result.seconds)}, peak RSS ${result.maxRssMb.toFixed(0)} MB`,
  );
}
