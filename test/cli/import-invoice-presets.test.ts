// `moatmetrics import invoices <Xero or QuickBooks export>` with no flags, as a user runs it.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ImportReport } from '../../src/ingest/import-report.js';
import { fixture } from '../support/vendor-exports.js';
import { assertSucceeded, killLiveChildren, removeScratchDirs, runCli, scratchDir, shown } from './cli-harness.js';

after(() => {
  killLiveChildren();
  removeScratchDirs();
});

describe('moatmetrics import invoices <vendor export>', { concurrency: 1, timeout: 240_000 }, () => {
  let dataDir: string;

  before(async () => {
    dataDir = path.join(scratchDir(), 'data');
    assertSucceeded(await runCli(['import', 'clients', fixture('canonical/clients.csv')], { dataDir }));
  });

  test('a Xero export is read as Xero invoices, and the CLI says so', async () => {
    const result = await runCli(['import', 'invoices', fixture('xero-invoices.csv')], { dataDir });
    assertSucceeded(result);
    assert.match(result.stdout, /6 added/, shown(result));
    assert.match(result.stdout, /^read as: Xero invoices \(preset xero-invoices\)$/m, shown(result));
  });

  test('a QuickBooks report: the preset, its title lines and the skipped total, payment and footer rows are reported', async () => {
    const result = await runCli(['import', 'invoices', fixture('quickbooks-invoice-list.csv'), '--dry-run'], { dataDir });
    assertSucceeded(result);
    assert.match(result.stdout, /^read as: QuickBooks Online invoices \(preset quickbooks-invoices\)$/m, shown(result));
    assert.match(result.stdout, /^note: skipped 3 title lines above the header, 7 total, footer, blank or non-data rows$/m, shown(result));
    const json = await runCli(['import', 'invoices', fixture('quickbooks-invoice-list.csv'), '--dry-run', '--json'], { dataDir });
    assertSucceeded(json);
    const report = JSON.parse(json.stdout) as ImportReport;
    assert.deepEqual(report.format, {
      preset: { id: 'quickbooks-invoices', name: 'QuickBooks Online invoices' },
      titleRows: 3,
      skippedRows: 7,
      // US report: 12/31/2024-style dates, amounts like 1,234.50 without a currency symbol.
      dateOrders: [
        { column: 'Date', order: 'mdy' },
        { column: 'Due date', order: 'mdy' },
      ],
      decimalSeparator: '.',
      currency: null,
    });
  });
});
