import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { DateOrderSetting } from '../../src/config/schema.js';
import { importFile } from '../../src/ingest/import-file.js';
import { clientsCsv } from '../support/small-msp.js';
import { createTestContext, engines, type TestContext } from '../support/test-database.js';

const invoices = (...rows: string[]) => ['invoice_id,client_id,invoice_date,due_date,amount', ...rows, ''].join('\n');
const timeLogs = (...rows: string[]) => ['log_id,client_id,staff_name,date,hours', ...rows, ''].join('\n');

for (const engine of engines) {
  describe(`dates on import, ${engine}`, () => {
    let t: TestContext;
    before(async () => {
      t = await createTestContext(engine);
      const clients = await importFile(t.database, t.config, { dataset: 'clients', file: t.file('clients.csv', clientsCsv) });
      assert.equal(clients.status, 'succeeded', clients.message);
    });
    after(async () => {
      await t.cleanup();
    });

    type RunOptions = { mode?: 'strict' | 'lenient'; dryRun?: boolean; dateOrder?: DateOrderSetting };
    const run = (dataset: string, name: string, content: string, options: RunOptions = {}) =>
      importFile(t.database, t.config, { dataset, file: t.file(name, content), actor: 'tester', ...options });
    const workDates = (...ids: string[]) =>
      t.database.kysely.selectFrom('time_logs').select(['log_id', 'work_date', 'hours_milli']).where('log_id', 'in', ids).orderBy('log_id').execute();
    const invoiceDates = async (...ids: string[]) => {
      const rows = await t.database.kysely
        .selectFrom('invoices')
        .select(['invoice_id', 'invoice_date', 'due_date'])
        .where('invoice_id', 'in', ids)
        .orderBy('invoice_id')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.invoice_id, [r.invoice_date, r.due_date]]));
    };
    const invoiceCount = async () => {
      const { n } = await t.database.kysely
        .selectFrom('invoices')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return Number(n);
    };

    test('a day-first file: 03/11/2025 is 3 November and 25/03/2025 is 25 March, wherever the deciding row is', async () => {
      const csv = invoices('D1,C1,03/11/2025,,100', 'D2,C2,04/12/2025,,100', 'D3,C1,2025-01-15,,100', 'D4,C2,25/03/2025,13.04.2025,100');
      const report = await run('invoices', 'dmy.csv', csv);
      assert.equal(report.status, 'succeeded', report.message);
      assert.deepEqual(report.rows, { total: 4, added: 4, updated: 0, unchanged: 0, rejected: 0 });
      assert.deepEqual(await invoiceDates('D1', 'D2', 'D3', 'D4'), {
        D1: ['2025-11-03', null],
        D2: ['2025-12-04', null],
        D3: ['2025-01-15', null],
        D4: ['2025-03-25', '2025-04-13'],
      });
    });

    test('a month-first file reads the US way', async () => {
      const report = await run('invoices', 'mdy.csv', invoices('M1,C1,03/11/2025,03/25/2025,100', 'M2,C1,3/31/2025,,100'));
      assert.equal(report.status, 'succeeded', report.message);
      assert.deepEqual(await invoiceDates('M1', 'M2'), { M1: ['2025-03-11', '2025-03-25'], M2: ['2025-03-31', null] });
    });

    test('an ambiguous column is refused with one error naming it, examples and how to choose; --date-order resolves it', async () => {
      const rows = Array.from({ length: 40 }, (_, i) => `A${i},C${1 + (i % 2)},0${1 + (i % 9)}/0${1 + (i % 3)}/2025,,10`);
      const before = await invoiceCount();
      const refused = await run('invoices', 'ambiguous.csv', invoices(...rows));
      assert.equal(refused.status, 'failed');
      assert.equal(refused.errorCode, 'MM_IMPORT_AMBIGUOUS_DATES');
      assert.equal(refused.errorCount, 1);
      assert.equal(refused.errors.length, 1);
      const [error] = refused.errors;
      assert.equal(error!.line, 2);
      assert.equal(error!.column, 3);
      assert.match(error!.message, /^ambiguous\.csv: day and month cannot be told apart in column 3 \(invoice_date\), 40 dates such as /);
      assert.match(error!.message, /such as line 2: 01\/01\/2025, line 3: 02\/02\/2025, line 4: 03\/03\/2025:/);
      assert.match(error!.message, /--date-order dmy or --date-order mdy \(CLI import\), date_order=dmy or date_order=mdy \(HTTP import\)/);
      assert.match(error!.message, /or ingest\.date_order in the configuration/);
      assert.match(refused.message, /Nothing was imported\.$/);
      assert.equal(refused.rejectsFile, null);
      assert.equal(await invoiceCount(), before);

      const dmy = await run('invoices', 'ambiguous.csv', invoices(...rows), { dateOrder: 'dmy' });
      assert.equal(dmy.status, 'succeeded', dmy.message);
      assert.deepEqual(await invoiceDates('A1'), { A1: ['2025-02-02', null] });
      assert.deepEqual(await invoiceDates('A5'), { A5: ['2025-03-06', null] });
      const mdy = await run('invoices', 'ambiguous.csv', invoices(...rows), { dateOrder: 'mdy' });
      assert.equal(mdy.status, 'succeeded', mdy.message);
      // Only the 15 rows whose day and month are the same number read the same both ways.
      assert.deepEqual(mdy.rows, { total: 40, added: 0, updated: 25, unchanged: 15, rejected: 0 });
      assert.deepEqual(await invoiceDates('A5'), { A5: ['2025-06-03', null] });
    });

    test('a day/month date deep in the file, after batches were written, restarts the import cleanly', async () => {
      const config = { ...t.config, ingest: { ...t.config.ingest, batch_rows: 2 } };
      const rows = Array.from({ length: 7 }, (_, i) => `W${i},C1,2025-01-0${i + 1},,10`);
      const file = t.file('late.csv', invoices(...rows, 'W9,C2,13/01/2025,28/02/2025,10'));
      const report = await importFile(t.database, config, { dataset: 'invoices', file });
      assert.equal(report.status, 'succeeded', report.message);
      assert.deepEqual(report.rows, { total: 8, added: 8, updated: 0, unchanged: 0, rejected: 0 });
      assert.deepEqual(await invoiceDates('W0', 'W9'), { W0: ['2025-01-01', null], W9: ['2025-01-13', '2025-02-28'] });
    });

    test("a column with no evidence of its own follows the file's other date columns; one with evidence decides alone", async () => {
      const report = await run('invoices', 'two-columns.csv', invoices('K1,C1,25/03/2025,02/04/2025,10'));
      assert.equal(report.status, 'succeeded', report.message);
      assert.deepEqual(await invoiceDates('K1'), { K1: ['2025-03-25', '2025-04-02'] });
      assert.deepEqual(report.format.dateOrders, [
        { column: 'invoice_date', order: 'dmy' },
        { column: 'due_date', order: 'dmy' },
      ]);
      // Each column with evidence keeps its own order: day first here, month first there.
      const mixed = await run('invoices', 'mixed.csv', invoices('K2,C1,25/03/2025,04/30/2025,10'));
      assert.equal(mixed.status, 'succeeded', mixed.message);
      assert.deepEqual(await invoiceDates('K2'), { K2: ['2025-03-25', '2025-04-30'] });
    });

    test('config ingest.date_order applies when the import names no order', async () => {
      const config = { ...t.config, ingest: { ...t.config.ingest, date_order: 'dmy' as const } };
      const file = t.file('cfg.csv', invoices('G1,C1,02/03/2025,,10'));
      const report = await importFile(t.database, config, { dataset: 'invoices', file });
      assert.equal(report.status, 'succeeded', report.message);
      assert.deepEqual(await invoiceDates('G1'), { G1: ['2025-03-02', null] });
    });

    test('a bad date names file, line, column, value and why after the survey; errors of the abandoned pass are not doubled', async () => {
      const csv = timeLogs('B1,C1,Ann Lee,2025-02-01,-1', 'B2,C1,Ann Lee,25/02/2025,1', 'B3,C2,Ann Lee,31/02/2025,1', 'B4,C2,Ann Lee,tomorrow,1');
      const report = await run('time_logs', 'bad-dates.csv', csv, { mode: 'lenient' });
      assert.equal(report.status, 'succeeded', report.message);
      assert.deepEqual(report.rows, { total: 4, added: 1, updated: 0, unchanged: 0, rejected: 3 });
      assert.deepEqual(
        report.errors.map((e) => e.message),
        [
          "bad-dates.csv line 2, column 5 (hours): '-1' must not be negative",
          "bad-dates.csv line 4, column 4 (date): '31/02/2025' is not a date day first (D/M/YYYY): February 2025 has no day 31; " +
            'the column is day first, as line 3 shows (25/02/2025)',
          "bad-dates.csv line 5, column 4 (date): 'tomorrow' is not a date (write YYYY-MM-DD or day/month/year such as " +
            '31/03/2025, 03/31/2025 or 31.03.2025; or a column of Excel serial numbers)',
        ],
      );
      const rejects = readFileSync(path.join(t.config.data_dir, 'imports', report.importId, 'rejected.csv'), 'utf8')
        .trim()
        .split(/\r?\n/);
      assert.equal(rejects.length, 4, 'header and three rejected rows, none of them twice');
    });

    test('a column with both day-first and month-first dates: its day/month dates are row errors', async () => {
      const report = await run('invoices', 'mixed.csv', invoices('X1,C1,25/03/2025,,10', 'X2,C1,03/25/2025,,10', 'X3,C1,2025-03-26,,10'));
      assert.equal(report.status, 'failed');
      assert.equal(report.errorCode, 'MM_IMPORT_BAD_ROWS');
      assert.deepEqual(
        report.errors.map((e) => [e.line, e.column, e.value]),
        [
          [2, 3, '25/03/2025'],
          [3, 3, '03/25/2025'],
        ],
      );
      assert.match(report.errors[0]!.reason, /mixes day-first \(line 2: 25\/03\/2025\) and month-first \(line 3: 03\/25\/2025\) dates/);
    });

    test('date order ymd refuses day/month dates row by row', async () => {
      const csv = invoices('Y1,C1,2025/03/31,,10', 'Y2,C1,31/03/2025,,10');
      const report = await run('invoices', 'ymd.csv', csv, { dateOrder: 'ymd', mode: 'lenient' });
      assert.equal(report.status, 'succeeded', report.message);
      assert.equal(report.rows.added, 1);
      const refusal = /^ymd\.csv line 3, column 3 \(invoice_date\): '31\/03\/2025' is day\/month\/year, but this import's date order is/;
      assert.match(report.errors[0]!.message, refusal);
    });

    test('dates with a time keep the date; dotted European dates read day first', async () => {
      const csv = timeLogs(
        'H1,C1,Ann Lee,2025-03-31 09:30,1',
        'H2,C1,Ann Lee,2025-03-31T09:30:00,1',
        'H3,C2,Bob Ray,13.11.2025,1',
        'H4,C2,Bob Ray,03.11.2025,1',
      );
      const report = await run('time_logs', 'times.csv', csv);
      assert.equal(report.status, 'succeeded', report.message);
      const rows = await workDates('H1', 'H2', 'H3', 'H4');
      assert.deepEqual(
        rows.map((r) => r.work_date),
        ['2025-03-31', '2025-03-31', '2025-11-13', '2025-11-03'],
      );
    });

    test('a column of Excel serial numbers reads as dates; numbers in a column of written dates are errors', async () => {
      const serial = await run('time_logs', 'serial.csv', timeLogs('S1,C1,Ann Lee,45747,1', 'S2,C2,Ann Lee,45658,2'));
      assert.equal(serial.status, 'succeeded', serial.message);
      const rows = await workDates('S1', 'S2');
      assert.deepEqual(
        rows.map((r) => r.work_date),
        ['2025-03-31', '2025-01-01'],
      );

      // Numbers first, a written date later: only the whole column tells, and it is not a serial column.
      const mixedCsv = timeLogs('N1,C1,Ann Lee,45747,1', 'N2,C1,Ann Lee,2025-04-01,1', 'N3,C1,Ann Lee,45749,1');
      const mixed = await run('time_logs', 'serial-mixed.csv', mixedCsv, { mode: 'lenient' });
      assert.equal(mixed.status, 'succeeded', mixed.message);
      assert.deepEqual(mixed.rows, { total: 3, added: 1, updated: 0, unchanged: 0, rejected: 2 });
      assert.deepEqual(
        mixed.errors.map((e) => [e.line, e.value]),
        [
          [2, '45747'],
          [4, '45749'],
        ],
      );
      assert.match(mixed.errors[0]!.reason, /is a number in a column of written dates/);
    });

    test('a time entry of 0 hours is imported and counted', async () => {
      const report = await run('time_logs', 'zero.csv', timeLogs('Z1,C3,Zed Zero,2025-02-03,0', 'Z2,C3,Zed Zero,2025-02-04,0:00'));
      assert.equal(report.status, 'succeeded', report.message);
      assert.equal(report.rows.added, 2);
      const rows = await workDates('Z1', 'Z2');
      assert.deepEqual(
        rows.map((r) => [r.log_id, r.hours_milli]),
        [
          ['Z1', 0],
          ['Z2', 0],
        ],
      );
    });

    test('a dry run of a day-first file validates the same way and writes nothing', async () => {
      const before = await invoiceCount();
      const report = await run('invoices', 'dry.csv', invoices('R1,C1,03/11/2025,,1', 'R2,C1,25/03/2025,,1'), { dryRun: true });
      assert.equal(report.status, 'validated', report.message);
      assert.deepEqual(report.rows, { total: 2, added: 2, updated: 0, unchanged: 0, rejected: 0 });
      assert.equal(await invoiceCount(), before);
      assert.equal(existsSync(path.join(t.config.data_dir, 'imports', report.importId)), false);
    });
  });
}
