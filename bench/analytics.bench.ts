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
 */
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createRandom } from '../src/explain/bootstrap.js';
import { importFile } from '../src/ingest/import-file.js';
import { runQuery } from '../src/metrics/run-query.js';
import { writeLargeMspReferenceData, writeLargeTimeLogs } from '../src/sample/index.js';
import { openDatabase } from '../src/metrics/rollups/open-database.js';
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
const products = ['Microsoft 365 E3,Microsoft,36.00', 'Microsoft 365 Business Premium,Microsoft,22.00', 'Zoom Pro,Zoom,13.33', 'Adobe Acrobat Pro,Adobe,20.39', 'Duo MFA,Cisco,3.00'];
await writeLines(files.licenses, 'license_id,client_id,product,vendor,cost_per_seat,seats_purchased,seats_used', counts.licenses, (i) => {
  const seats = 1 + Math.floor(random() * 80);
  return `LIC-${i},${pad(1 + Math.floor(random() * clients))},${products[i % products.length]},${seats},${Math.max(0, seats + Math.floor(random() * 12) - 9)}`;
});
console.log(`data: ${clients} clients, ${staffCount} staff, ${counts.timeLogs} time logs, ${counts.invoices} invoices, ${counts.licenses} licenses`);

const plan = {
  measures: ['revenue', 'labor_cost', 'license_cost', 'total_cost', 'gross_profit', 'gross_margin_pct', 'effective_hourly_rate', 'hours', 'invoice_count'] as const,
};

async function measureEngine(name: string, url: string): Promise<{ period: { from: string; to: string }; revenue: number }> {
  const config = benchConfig(path.join(dir, `${name}-data`), url);
  let database = await openDatabase(config);
  const started = performance.now();
  const importTimes: string[] = [];
  for (const dataset of ['clients', 'staff', 'invoices', 'time_logs', 'licenses'] as const) {
    const t = performance.now();
    const report = await importFile(database, config, { dataset, file: files[dataset] });
    if (report.status !== 'succeeded') throw new Error(`${name} ${dataset}: ${report.message}`);
    importTimes.push(`${dataset} ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  console.log(`${name}: import of everything ${((performance.now() - started) / 1000).toFixed(1)} s (${importTimes.join(', ')}; rollups refreshed inside each)`);
  await database.close();
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
  console.log(`duckdb: profitability by client (${rows.length} rows, period ${sqlite.period.from}..${sqlite.period.to}): cold ${coldMs.toFixed(0)} ms, warm median ${warm[2]!.toFixed(0)} ms; total revenue ${revenue.toFixed(2)} (MoatMetrics ${sqlite.revenue.toFixed(2)})`);
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
