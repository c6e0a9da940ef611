/**
 * Metric-layer benchmark (issue: metric layer). Builds a generated MSP, imports it, then
 * times the full profitability-by-client query and a single-client drill-down, cold (first
 * run after opening the database) and warm (median of 5), on SQLite and PostgreSQL, with
 * the same aggregation in DuckDB over the same files as the reference.
 *
 * Usage: npm run bench:analytics -- [--clients 1000] [--staff 50] [--time-logs 1000000] [--invoices 100000] [--licenses 10000] [--skip-pg]
 * The issue's target scale is --clients 10000 --staff 500 --time-logs 10000000 --invoices 1000000 --licenses 100000.
 *
 * Besides the default (monthly rollups) it times the same profitability query summed from
 * the rows, and staff utilization (staff × month rollup), so the rollups' gain is visible.
 *
 * The import is compared with a bare SQLite load of the same data: the rows the import
 * stored, read back and written with prepared better-sqlite3 INSERTs into a fresh database
 * of the same schema (same connection settings), secondary indexes built after the rows.
 */
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createRandom } from '../src/explain/bootstrap.js';
import { importFile } from '../src/ingest/import-file.js';
import { runQuery } from '../src/metrics/run-query.js';
import { writeLargeMspReferenceData, writeLargeTimeLogs } from '../src/sample/index.js';
import { openDatabase } from '../src/metrics/rollups/open-database.js';
import { openSqliteConnection } from '../src/storage/database.js';
import { createIndexes, dropSecondaryIndexes } from '../src/storage/table-indexes-repository.js';
import { benchConfig, machine, scratchDir, scratchPostgres } from './bench-support.js';
import { duckdbReference } from './duckdb-reference.js';

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000' },
    'time-logs': { type: 'string', default: '1000000' },
    invoices: { type: 'string', default: '100000' },
    licenses: { type: 'string', default: '10000' },
    staff: { type: 'string', default: '50' },
    'skip-pg': { type: 'boolean', default: false },
  },
});
const clients = Number(args.clients);
const staffCount = Number(args.staff);
const counts = { timeLogs: Number(args['time-logs']), invoices: Number(args.invoices), licenses: Number(args.licenses) };

const pad = (n: number): string => `C${String(n).padStart(4, '0')}`;

async function writeLines(file: string, header: string, rows: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(file);
  out.write(`${header}\n`);
  let chunk = '';
  for (let i = 1; i <= rows; i++) {
    chunk += `${line(i)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise<void>((resolve) => out.once('finish', () => resolve()));
}

console.log(`machine: ${machine()}`);
const dir = scratchDir('analytics');
const reference = await writeLargeMspReferenceData(dir, { clients, staff: staffCount });
const files = {
  clients: reference.clients,
  staff: reference.staff,
  time_logs: path.join(dir, 'time_logs.csv'),
  invoices: path.join(dir, 'invoices.csv'),
  licenses: path.join(dir, 'licenses.csv'),
};
await writeLargeTimeLogs(files.time_logs, { rows: counts.timeLogs, clients, staff: staffCount });
const random = createRandom(7);
const statuses = ['paid', 'paid', 'paid', 'paid', 'paid', 'pending', 'overdue', 'void', 'draft'];
await writeLines(files.invoices, 'invoice_id,client_id,invoice_date,total_amount,status', counts.invoices, (i) => {
  const month = 1 + Math.floor(random() * 14);
  const date = month <= 2 ? `2024-${String(month + 10).padStart(2, '0')}-28` : `2025-${String(month - 2).padStart(2, '0')}-28`;
  return `INV-${i},${pad(1 + Math.floor(random() * clients))},${date},${(200 + random() * 9000).toFixed(2)},${statuses[Math.floor(random() * statuses.length)]}`;
});
const products = [
  'Microsoft 365 E3,Microsoft,36.00',
  'Microsoft 365 Business Premium,Microsoft,22.00',
  'Zoom Pro,Zoom,13.33',
  'Adobe Acrobat Pro,Adobe,20.39',
  'Duo MFA,Cisco,3.00',
];
await writeLines(files.licenses, 'license_id,client_id,product,vendor,cost_per_seat,seats_purchased,seats_used', counts.licenses, (i) => {
  const seats = 1 + Math.floor(random() * 80);
  return `LIC-${i},${pad(1 + Math.floor(random() * clients))},${products[i % products.length]},${seats},${Math.max(0, seats + Math.floor(random() * 12) - 9)}`;
});
console.log(`data: ${clients} clients, ${staffCount} staff, ${counts.timeLogs} time logs, ${counts.invoices} invoices, ${counts.licenses} licenses`);

const plan = {
  measures: [
    'revenue',
    'labor_cost',
    'license_cost',
    'total_cost',
    'gross_profit',
    'gross_margin_pct',
    'effective_hourly_rate',
    'hours',
    'invoice_count',
  ] as const,
};

const datasetOrder = ['clients', 'staff', 'invoices', 'time_logs', 'licenses'] as const;

/**
 * The bare baseline: every row the import stored, read back from its database and written
 * with one prepared INSERT per table into a fresh database of the same schema, each table
 * in one transaction without its secondary indexes, which are built afterwards. No parsing,
 * validation, versions or rollups: the floor an import into this schema can approach.
 */
async function bareSqliteLoad(importedFile: string): Promise<{ seconds: number; parts: string[] }> {
  const config = benchConfig(path.join(dir, 'sqlite-bare'));
  await (await openDatabase(config)).close();
  const source = openSqliteConnection(importedFile);
  const target = openSqliteConnection(path.join(config.data_dir, 'moatmetrics.db'));
  target.pragma('cache_size = -65536'); // the import connection's setting
  const parts: string[] = [];
  const started = performance.now();
  for (const table of datasetOrder) {
    const t = performance.now();
    const columns = (source.prepare(`SELECT name FROM pragma_table_info('${table}') ORDER BY cid`).pluck().all() as string[]).map((c) => `"${c}"`);
    const insert = target.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
    target.exec('BEGIN IMMEDIATE');
    const indexes = dropSecondaryIndexes(target, table);
    for (const row of source
      .prepare(`SELECT ${columns.join(', ')} FROM ${table}`)
      .raw()
      .iterate())
      insert.run(row as unknown[]);
    const inserted = performance.now();
    createIndexes(target, indexes);
    target.exec('COMMIT');
    parts.push(`${table} ${((performance.now() - t) / 1000).toFixed(1)} s (indexes ${((performance.now() - inserted) / 1000).toFixed(1)} s)`);
  }
  const seconds = (performance.now() - started) / 1000;
  source.close();
  target.close();
  return { seconds, parts };
}

async function measureEngine(name: string, url: string): Promise<{ period: { from: string; to: string }; revenue: number }> {
  const config = benchConfig(path.join(dir, `${name}-data`), url);
  let database = await openDatabase(config);
  const started = performance.now();
  const importTimes: string[] = [];
  for (const dataset of datasetOrder) {
    const t = performance.now();
    const report = await importFile(database, config, { dataset, file: files[dataset] });
    if (report.status !== 'succeeded') throw new Error(`${name} ${dataset}: ${report.message}`);
    importTimes.push(`${dataset} ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const importSeconds = (performance.now() - started) / 1000;
  console.log(`${name}: import of everything ${importSeconds.toFixed(1)} s (${importTimes.join(', ')}; rollups maintained inside each)`);
  await database.close();
  if (name === 'sqlite') {
    const bare = await bareSqliteLoad(path.join(config.data_dir, 'moatmetrics.db'));
    console.log(`sqlite bare load of the same rows (prepared INSERTs, then the indexes): ${bare.seconds.toFixed(1)} s (${bare.parts.join(', ')})`);
    console.log(`sqlite import / bare load: ${(importSeconds / bare.seconds).toFixed(2)}× (goal ≤ 1.5×)`);
  }
  database = await openDatabase(config);
  const median = async (run: () => Promise<unknown>): Promise<string> => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await run();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return `${times[2]!.toFixed(0)} ms (min ${times[0]!.toFixed(0)}, max ${times[4]!.toFixed(0)})`;
  };
  // cold: first query after opening the database; recompute: the SQL again with warm pages
  // (answer cache bypassed); cached: the same plan on the same dataset version.
  const time = async (label: string, plan: Parameters<typeof runQuery>[2]): Promise<void> => {
    const cold = performance.now();
    await runQuery(database, config, plan);
    const coldMs = performance.now() - cold;
    const recompute = await median(() => runQuery(database, config, plan, { useCache: false }));
    const cached = await median(() => runQuery(database, config, plan));
    console.log(`${name}: ${label}: cold ${coldMs.toFixed(0)} ms; recompute median ${recompute}; cached median ${cached}`);
  };
  const portfolio = { ...plan, measures: [...plan.measures], groupBy: ['client' as const] };
  await time(`profitability by client (${clients} rows)`, portfolio);
  await time('single-client drill-down', { ...plan, measures: [...plan.measures], filters: { clients: [pad(17)] } });
  await time(`staff utilization (${staffCount} rows)`, { measures: ['hours', 'billable_hours', 'labor_cost', 'staff_utilization_pct'], groupBy: ['staff'] });
  const result = await runQuery(database, config, portfolio);
  const mid = { from: `${result.period.from.slice(0, 7)}-15`, to: `${result.period.to.slice(0, 7)}-10` };
  await time(`profitability by client, mid-month period ${mid.from}..${mid.to}`, { ...portfolio, filters: mid });
  const rowsStarted = performance.now();
  const fromRows = await runQuery(database, config, portfolio, { useCache: false, useRollups: false });
  console.log(`${name}: profitability by client summed from the rows (no rollups): ${(performance.now() - rowsStarted).toFixed(0)} ms`);
  const revenue = result.rows.reduce((sum, r) => sum + (r.revenue ?? 0), 0);
  if (JSON.stringify(fromRows.rows) !== JSON.stringify(result.rows)) throw new Error(`${name}: rollups and rows disagree`);
  await database.close();
  return { period: result.period, revenue };
}

const sqlite = await measureEngine('sqlite', '');

// The reference: DuckDB over the same files, same period, same integer units.
{
  const config = benchConfig(path.join(dir, 'duck-period'));
  const duck = await duckdbReference(files, sqlite.period, Math.round(config.analytics.default_cost_rate * 100));
  console.log(`duckdb: load of everything ${duck.loadSeconds.toFixed(1)} s`);
  const cold = performance.now();
  const rows = await duck.run();
  const coldMs = performance.now() - cold;
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await duck.run();
    warm.push(performance.now() - t);
  }
  warm.sort((a, b) => a - b);
  const revenue = rows.reduce((s, r) => s + r.revenue_cents, 0) / 100;
  console.log(
    `duckdb: profitability by client (${rows.length} rows, period ${sqlite.period.from}..${sqlite.period.to}): cold ${coldMs.toFixed(0)} ms, warm median ${warm[2]!.toFixed(0)} ms; total revenue ${revenue.toFixed(2)} (MoatMetrics ${sqlite.revenue.toFixed(2)})`,
  );
  duck.close();
}
if (!args['skip-pg']) {
  const scratch = await scratchPostgres();
  try {
    await measureEngine('postgres', scratch.url);
  } finally {
    await scratch.drop();
  }
}
