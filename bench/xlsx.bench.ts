/**
 * Excel workbook import benchmark (issue 11): rows/s and peak RSS importing a 200,000-row
 * time-log workbook, next to the CSV import of the same rows in the same run.
 *
 * The rows come from the large-MSP generator as CSV; the same rows are written to an .xlsx
 * with exceljs's streaming WorkbookWriter (shared strings, real date cells, numbers and
 * booleans as typed cells; shared strings after the sheet, as Excel orders them). Each file
 * is imported into a fresh SQLite data dir by a child process of its own, one after the
 * other, so each peak RSS is that import's alone; the stored rows' digests must match.
 *
 * Usage: npm run bench:xlsx -- [--rows 200000]
 */
import { spawn } from 'node:child_process';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import ExcelJS from 'exceljs';
import { writeLargeMspReferenceData, writeLargeTimeLogs } from '../src/sample/index.js';
import { machine, rate, scratchDir } from './bench-support.js';

const { values: args } = parseArgs({ options: { rows: { type: 'string', default: '200000' } } });
const rows = Number(args.rows);
const clients = 1000;

console.log(`machine: ${machine()}`);
const dir = scratchDir('xlsx');
const reference = await writeLargeMspReferenceData(dir, { clients, staff: 50 });
const csv = path.join(dir, 'time_logs.csv');
await writeLargeTimeLogs(csv, { rows, clients, staff: 50 });
const xlsx = path.join(dir, 'time_logs.xlsx');
const writeStarted = performance.now();
await writeWorkbook(csv, xlsx);
console.log(
  `input: ${rows.toLocaleString('en-US')} time-log rows; CSV ${(statSync(csv).size / 1e6).toFixed(1)} MB, ` +
    `workbook ${(statSync(xlsx).size / 1e6).toFixed(1)} MB (written in ${((performance.now() - writeStarted) / 1000).toFixed(1)} s)`,
);

const results: Record<string, ChildResult> = {};
for (const [format, file] of [
  ['csv', csv],
  ['xlsx', xlsx],
] as const) {
  const result = await importInChild(path.join(dir, `sqlite-${format}`), file);
  if (result.rows !== rows) throw new Error(`${format}: expected ${rows} rows added, got ${result.rows}`);
  results[format] = result;
  console.log(
    `${format.padEnd(4)} import into SQLite: ${result.seconds.toFixed(2)} s → ${rate(result.rows, result.seconds)}, peak RSS ${result.maxRssMb.toFixed(0)} MB`,
  );
}
if (results.csv!.digest !== results.xlsx!.digest) throw new Error('the workbook stored other rows than the CSV file');
console.log(
  `same stored rows from both (digest ${results.csv!.digest.slice(0, 12)}); xlsx at ${((results.csv!.seconds / results.xlsx!.seconds) * 100).toFixed(0)} % of the CSV rate`,
);

/** The CSV's rows as typed cells: text, a real date, numbers, a boolean. */
async function writeWorkbook(from: string, to: string): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: to, useSharedStrings: true, useStyles: true });
  const sheet = workbook.addWorksheet('Time logs');
  sheet.getColumn(4).numFmt = 'yyyy-mm-dd';
  const lines = createInterface({ input: createReadStream(from), crlfDelay: Infinity });
  let header = true;
  for await (const line of lines) {
    if (line === '') continue;
    const cells = line.split(',');
    if (header) {
      sheet.addRow(cells).commit();
      header = false;
      continue;
    }
    const [id, client, staff, date, hours, rateText, billable] = cells as [string, string, string, string, string, string, string];
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    sheet.addRow([id, client, staff, new Date(Date.UTC(y, m - 1, d)), Number(hours), rateText === '' ? null : Number(rateText), billable === 'true']).commit();
  }
  sheet.commit();
  await workbook.commit();
}

interface ChildResult {
  rows: number;
  seconds: number;
  maxRssMb: number;
  digest: string;
}

function importInChild(dataDir: string, file: string): Promise<ChildResult> {
  const child = spawn(
    process.execPath,
    ['--max-semi-space-size=64', '--import', 'tsx', path.join(import.meta.dirname, 'xlsx-import-child.ts'), dataDir, reference.clients, reference.staff, file],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildResult) : reject(new Error(`import child failed (${code}): ${out}`)),
    );
  });
}
