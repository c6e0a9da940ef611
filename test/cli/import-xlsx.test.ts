// `moatmetrics import <dataset> file.xlsx [--sheet NAME]` as a user meets it: the built
// binary in a child process per step, in one scratch data dir.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ImportReport } from '../../src/ingest/import-report.js';
import { clientsCsv } from '../support/small-msp.js';
import { licensesSheet, timeLogsSheet, workbookBuffer } from '../support/workbooks.js';
import { assertOneLineError, assertSucceeded, killLiveChildren, removeScratchDirs, runCli, scratchDir, shown, writeScratchFile } from './cli-harness.js';

after(() => {
  killLiveChildren();
  removeScratchDirs();
});

describe('moatmetrics import of an Excel workbook', { concurrency: 1, timeout: 240_000 }, () => {
  let dir: string;
  let dataDir: string;
  let workbook: string;
  before(async () => {
    dir = scratchDir();
    dataDir = path.join(dir, 'data');
    workbook = path.join(dir, 'msp export.xlsx');
    writeFileSync(workbook, await workbookBuffer([timeLogsSheet, licensesSheet]));
    assertSucceeded(await runCli(['import', 'clients', writeScratchFile(dir, 'clients.csv', clientsCsv)], { dataDir }));
  });

  test('import --help documents --sheet', async () => {
    const result = await runCli(['import', '--help']);
    assertSucceeded(result);
    assert.match(result.stdout, /--sheet <name>\s+Excel workbook: the worksheet to import/, shown(result));
    assert.match(result.stdout, /or Excel workbook \(\.xlsx\)/, shown(result));
  });

  test('the first sheet is imported and the summary names it', async () => {
    const result = await runCli(['import', 'time_logs', workbook], { dataDir });
    assertSucceeded(result);
    assert.match(result.stdout, /^Imported time_logs as version 2: 4 added, 0 updated, 0 unchanged, 0 rejected\.$/m, shown(result));
    assert.match(result.stdout, /4 rows {2}sha256 [0-9a-f]{12} {2}sheet 'Time'$/m, shown(result));
  });

  test('--sheet picks another sheet; --json reports it, with no encoding or delimiter', async () => {
    const result = await runCli(['import', 'licenses', workbook, '--sheet', 'licenses', '--json'], { dataDir });
    assertSucceeded(result);
    const report = JSON.parse(result.stdout) as ImportReport;
    assert.equal(report.status, 'succeeded');
    assert.equal(report.sheet, 'Licenses');
    assert.equal(report.encoding, null);
    assert.equal(report.delimiter, null);
    assert.equal(report.rows.added, 2);
  });

  test('an unknown sheet is one line listing the sheets', async () => {
    const result = await runCli(['import', 'licenses', workbook, '--sheet', 'Invoices'], { dataDir });
    assertOneLineError(
      result,
      "error: msp export.xlsx has no sheet named 'Invoices'; its sheets are 'Time', 'Licenses'. Name one of them with --sheet (CLI) or sheet= (HTTP).",
    );
  });

  test('a bad row in strict mode is refused with its sheet, row and column letter', async () => {
    const bad = path.join(dir, 'bad.xlsx');
    writeFileSync(
      bad,
      await workbookBuffer([
        {
          name: 'Hours',
          rows: [
            ['log_id', 'client_id', 'staff_name', 'date', 'hours'],
            ['X1', 'C1', 'Ann Lee', new Date(Date.UTC(2025, 1, 3)), 30],
          ],
        },
      ]),
    );
    const result = await runCli(['import', 'time_logs', bad], { dataDir });
    assert.equal(result.code, 1, shown(result));
    assert.match(result.stderr, /^ {2}bad\.xlsx sheet 'Hours' row 2, column E \(hours\): '30' must be at most 24 \(one day\)$/m, shown(result));
  });
});
