// `moatmetrics import --date-order` and MOATMETRICS_INGEST_DATE_ORDER as a user meets them:
// a real child process per step, in one scratch data dir.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import type { ImportReport } from '../../src/ingest/import-report.js';
import { clientsCsv } from '../support/small-msp.js';
import { assertSucceeded, killLiveChildren, removeScratchDirs, runCli, scratchDir, shown, stackTrace, writeScratchFile } from './cli-harness.js';

/** Every date fits both D/M/YYYY and M/D/YYYY. */
const ambiguousInvoices = (prefix: string) =>
  ['invoice_id,client_id,invoice_date,amount', `${prefix}1,C1,03/11/2025,100`, `${prefix}2,C2,04/12/2025,200`, `${prefix}3,C1,01/02/2025,300`, ''].join('\n');

after(() => {
  killLiveChildren();
  removeScratchDirs();
});

describe('moatmetrics import --date-order', { concurrency: 1, timeout: 240_000 }, () => {
  let dir: string;
  let dataDir: string;
  const file = (name: string): string => path.join(dir, name);
  const invoiceDates = (): Record<string, string> => {
    const db = new BetterSqlite3(path.join(dataDir, 'moatmetrics.db'), { readonly: true });
    try {
      const query = db.prepare('SELECT invoice_id, invoice_date FROM invoices ORDER BY invoice_id');
      const rows = query.all() as Array<{ invoice_id: string; invoice_date: string }>;
      return Object.fromEntries(rows.map((r) => [r.invoice_id, r.invoice_date]));
    } finally {
      db.close();
    }
  };

  before(async () => {
    dir = scratchDir();
    dataDir = path.join(dir, 'data');
    writeScratchFile(dir, 'clients.csv', clientsCsv);
    writeScratchFile(dir, 'uk.csv', ambiguousInvoices('U'));
    writeScratchFile(dir, 'us.csv', ambiguousInvoices('S'));
    assertSucceeded(await runCli(['import', 'clients', file('clients.csv')], { dataDir }));
  });

  test('import --help documents the option and its choices', async () => {
    const result = await runCli(['import', '--help']);
    assertSucceeded(result);
    // Commander wraps the description to the terminal width: any run of spaces may be a line break.
    assert.match(result.stdout, /--date-order <order>\s+how 03\/11\/2025 reads:\s+dmy\s+\(3\s+November\),\s+mdy\s+\(11\s+March\)/, shown(result));
    assert.match(result.stdout, /choices:\s+"auto",\s+"mdy",\s+"dmy",\s+"ymd"/, shown(result));
  });

  test('an ambiguous file is refused with one error that says how to choose; nothing is imported', async () => {
    const result = await runCli(['import', 'invoices', file('uk.csv')], { dataDir });
    assert.equal(result.code, 1, shown(result));
    assert.doesNotMatch(result.stderr, stackTrace, shown(result));
    const lines = result.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, shown(result));
    const refusal = /^error: uk\.csv: day and month cannot be told apart in column 3 \(invoice_date\), 3 dates such as line 2: 03\/11/;
    assert.match(lines[0]!, refusal, shown(result));
    assert.match(lines[0]!, /--date-order dmy or --date-order mdy \(CLI import\).* Nothing was imported\.$/, shown(result));
    assert.deepEqual(invoiceDates(), {});
  });

  test('--date-order dmy imports it day first', async () => {
    const result = await runCli(['import', 'invoices', file('uk.csv'), '--date-order', 'dmy'], { dataDir });
    assertSucceeded(result);
    assert.deepEqual(invoiceDates(), { U1: '2025-11-03', U2: '2025-12-04', U3: '2025-02-01' });
  });

  test('MOATMETRICS_INGEST_DATE_ORDER=mdy imports month first; the flag wins over it', async () => {
    const env = { MOATMETRICS_INGEST_DATE_ORDER: 'mdy' };
    const result = await runCli(['import', 'invoices', file('us.csv'), '--json'], { dataDir, env });
    assertSucceeded(result);
    assert.equal((JSON.parse(result.stdout) as ImportReport).status, 'succeeded');
    const uk = { U1: '2025-11-03', U2: '2025-12-04', U3: '2025-02-01' };
    assert.deepEqual(invoiceDates(), { S1: '2025-03-11', S2: '2025-04-12', S3: '2025-01-02', ...uk });
    const flag = await runCli(['import', 'invoices', file('us.csv'), '--date-order', 'dmy'], { dataDir, env });
    assertSucceeded(flag);
    assert.match(flag.stdout, /3 updated/, shown(flag));
  });

  test('an unknown order is a usage error naming the choices', async () => {
    const result = await runCli(['import', 'invoices', file('uk.csv'), '--date-order', 'european'], { dataDir });
    assert.equal(result.code, 2, shown(result));
    const choices = /option '--date-order <order>' argument 'european' is invalid\. Allowed choices are auto, mdy, dmy, ymd\./;
    assert.match(result.stderr, choices, shown(result));
  });
});
