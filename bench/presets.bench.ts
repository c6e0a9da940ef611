/**
 * Vendor preset benchmark (issue 11): the 1M-row time-log import, canonical vs the same rows
 * as a ConnectWise PSA time-entry export (recognised from its header, no flag): `Time Entry
 * ID, Member Name, Date (M/D/YYYY), Company (the client's name), Bill (B/NB/NC), Hours,
 * Rate ($1,234.50)`, a title line above the header and a Grand Total row at the end. Both
 * imports into fresh SQLite databases in one run; prints rows/s and the preset's rate as a
 * share of the canonical one (goal: at least 75 %).
 *
 * Usage: npm run bench:presets -- [--rows 1000000] [--clients 1000]
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { importFile } from '../src/ingest/import-file.js';
import { openDatabase } from '../src/metrics/rollups/open-database.js';
import { writeLargeMspReferenceData, writeLargeTimeLogs } from '../src/sample/index.js';
import { benchConfig, machine, measure, rate, scratchDir } from './bench-support.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    clients: { type: 'string', default: '1000' },
  },
});
const rows = Number(args.rows);
const clients = Number(args.clients);

console.log(`machine: ${machine()}`);
const dir = scratchDir('presets');
const reference = await writeLargeMspReferenceData(dir, { clients, staff: 50 });
const canonical = path.join(dir, 'time_logs.csv');
await writeLargeTimeLogs(canonical, { rows, clients, staff: 50 });

// The client id → name of the reference clients file (client_id is its first column, client_name its second).
const names = new Map<string, string>();
for (const line of (await readFile(reference.clients, 'utf8')).split('\n').slice(1)) {
  const [id, name] = line.split(',');
  if (id && name) names.set(id, name);
}

/** The canonical rows (log_id, client_id, staff_name, date, hours, rate, billable) as ConnectWise writes them. */
async function writeConnectWise(file: string): Promise<number> {
  const out = createWriteStream(file);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('Time Entry Detail\nTime Entry ID,Member Name,Date,Company,Bill (B/NB/NC),Hours,Rate\n');
  let first = true;
  let count = 0;
  for await (const line of createInterface({ input: createReadStream(canonical) })) {
    if (first) {
      first = false;
      continue;
    }
    if (line === '') continue;
    const [id, client, staff, date, hours, rateText, billable] = line.split(',');
    const [y, m, d] = date!.split('-');
    const cents = Math.round(Number(rateText) * 100);
    const money = `"$${Math.floor(cents / 100).toLocaleString('en-US')}.${String(cents % 100).padStart(2, '0')}"`;
    await write(`${id},${staff},${Number(m)}/${Number(d)}/${y},${csvName(names.get(client!)!)},${billable === '1' ? 'B' : 'NB'},${hours},${money}\n`);
    count++;
  }
  await write(`,,,,Grand Total,${rows},\n`);
  out.end();
  await once(out, 'finish');
  return count;
}

function csvName(name: string): string {
  return /[",\n]/.test(name) ? `"${name.replaceAll('"', '""')}"` : name;
}

const connectWise = path.join(dir, 'connectwise-time-entries.csv');
const converted = await writeConnectWise(connectWise);
console.log(`input: ${converted.toLocaleString('en-US')} time entries, ${clients} clients; canonical file and ConnectWise export of the same rows`);

async function run(label: string, file: string): Promise<number> {
  const config = benchConfig(path.join(dir, label));
  const database = await openDatabase(config);
  try {
    for (const [dataset, source] of [
      ['clients', reference.clients],
      ['staff', reference.staff],
    ] as const) {
      const report = await importFile(database, config, { dataset, file: source });
      if (report.status !== 'succeeded') throw new Error(`${dataset}: ${report.message}`);
    }
    const imported = await measure(() => importFile(database, config, { dataset: 'time_logs', file }));
    const report = imported.result;
    if (report.rows.added !== rows) throw new Error(`${label}: expected ${rows} rows added, got ${JSON.stringify(report.rows)} ${report.message}`);
    const how = report.format.preset ? `preset ${report.format.preset.id}, ` : '';
    console.log(
      `${label}: ${imported.seconds.toFixed(2)} s wall, ${imported.cpuSeconds.toFixed(2)} s CPU → ${rate(rows, imported.seconds)} ` +
        `(${how}dates ${report.format.dateOrders.map((d) => d.order).join('/')}, ${report.format.skippedRows} skipped)`,
    );
    return rows / imported.seconds;
  } finally {
    await database.close();
  }
}

const canonicalRate = await run('canonical', canonical);
const presetRate = await run('connectwise', connectWise);
console.log(`ConnectWise preset: ${((100 * presetRate) / canonicalRate).toFixed(1)} % of the canonical rate (goal ≥ 75 %)`);
