import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { importFile } from '../../../src/ingest/import-file.js';
import { createTestContext, engines, type TestContext } from '../../support/test-database.js';
import { figuresAfter, fixture } from '../../support/vendor-exports.js';

/** Each PSA's export of the same ten time entries (test/fixtures/vendor-exports). */
const timeExports = [
  { file: 'connectwise-time-entries.csv', preset: 'connectwise-time', titleRows: 2, skippedRows: 4 },
  { file: 'connectwise-time-api.csv', preset: 'connectwise-time', titleRows: 0, skippedRows: 0 },
  { file: 'autotask-time-entries.csv', preset: 'autotask-time', titleRows: 0, skippedRows: 1 },
  { file: 'halopsa-actions.csv', preset: 'halopsa-time', titleRows: 0, skippedRows: 0 },
];

for (const engine of engines) {
  describe(`PSA time-entry presets on ${engine}`, () => {
    let canonical: unknown;
    before(async () => {
      canonical = await figuresAfter(engine, { dataset: 'time_logs', file: fixture('canonical/time_logs.csv') });
    });

    for (const { file } of timeExports) {
      test(`${file} imported with no flags gives the same profitability and hours as the canonical file`, async () => {
        const figures = await figuresAfter(engine, { dataset: 'time_logs', file: fixture(file) });
        assert.deepEqual(figures, canonical);
      });
    }
  });
}

describe('PSA time-entry presets: recognition and reports', () => {
  let t: TestContext;
  before(async () => {
    t = await createTestContext('sqlite');
    for (const dataset of ['clients', 'staff']) {
      const report = await importFile(t.database, t.config, { dataset, file: fixture(`canonical/${dataset}.csv`), actor: 'tester' });
      assert.equal(report.status, 'succeeded', report.message);
    }
  });
  after(async () => {
    await t.cleanup();
  });

  const dryRun = (name: string, content: string, options: { preset?: string; dataset?: string } = {}) =>
    importFile(t.database, t.config, {
      dataset: options.dataset ?? 'time_logs',
      file: t.file(name, content),
      actor: 'tester',
      dryRun: true,
      preset: options.preset,
    });

  for (const { file, preset, titleRows, skippedRows } of timeExports) {
    test(`${file}: the report names the preset and counts the title and total rows it skipped`, async () => {
      const report = await dryRun(file, readFileSync(fixture(file), 'utf8'));
      assert.equal(report.status, 'validated', report.message);
      assert.equal(report.format.preset?.id, preset);
      assert.equal(report.format.titleRows, titleRows);
      assert.equal(report.format.skippedRows, skippedRows);
      assert.equal(report.rows.total, 10);
      assert.equal(report.rows.rejected, 0);
    });
  }

  test('a partial ConnectWise export is refused naming the export and the missing columns', async () => {
    const report = await dryRun('cw.csv', 'Member Name,Date,Company,Bill (B/NB/NC),Rate\nJane Doe,03/03/2025,Acme Corp,B,$150.00\n');
    assert.equal(report.status, 'failed');
    assert.equal(report.errorCode, 'MM_IMPORT_HEADER');
    assert.match(
      report.message,
      /cw\.csv line 1: this looks like a ConnectWise PSA time entries export \(preset connectwise-time\), but it lacks the column hours \(hours or actual_hours/,
    );
  });

  test('an invoice-shaped PSA file imported as the wrong dataset says which dataset it is', async () => {
    const report = await dryRun('time.csv', readFileSync(fixture('halopsa-actions.csv'), 'utf8'), { dataset: 'invoices' });
    assert.equal(report.status, 'failed');
    assert.match(
      report.message,
      /looks like a HaloPSA actions export, which imports as time_logs, not invoices; import it with: moatmetrics import time_logs time\.csv/,
    );
  });

  test('ConnectWise Billable Option values and Member ID as the staff column', async () => {
    const csv = [
      'Member ID,Date Start,Company,Billable Option,Actual Hours',
      'JDoe,2025-03-03,Acme Corp,Billable,1',
      'JDoe,2025-03-04,Acme Corp,DoNotBill,2',
      'JDoe,2025-03-05,Acme Corp,NoCharge,3',
      'JDoe,2025-03-06,Acme Corp,NoDefault,4',
      'JDoe,2025-03-07,Acme Corp,Maybe,5',
    ].join('\n');
    const report = await dryRun('cw-ids.csv', csv);
    assert.equal(report.format.preset?.id, 'connectwise-time');
    assert.equal(report.rows.rejected, 1);
    assert.equal(report.errors[0]!.line, 6);
    assert.equal(report.errors[0]!.field, 'Billable Option');
    // The error quotes the value as the file wrote it.
    assert.equal(report.errors[0]!.value, 'Maybe');
    const real = await importFile(t.database, t.config, {
      dataset: 'time_logs',
      file: t.file('cw-ids-ok.csv', csv.split('\n').slice(0, 5).join('\n')),
      actor: 'tester',
    });
    assert.equal(real.status, 'succeeded', real.message);
    const rows = await t.database.kysely.selectFrom('time_logs').select(['staff_name', 'billable', 'hours_milli']).orderBy('work_date').execute();
    assert.deepEqual(
      rows.map((r) => [r.staff_name, Number(r.billable), Number(r.hours_milli)]),
      [
        ['JDoe', 1, 1000],
        ['JDoe', 0, 2000],
        ['JDoe', 0, 3000],
        ['JDoe', 1, 4000],
      ],
    );
  });

  test('--preset none reads canonical names only; an unknown or mismatched preset is refused before reading', async () => {
    const none = await dryRun('cw.csv', readFileSync(fixture('connectwise-time-api.csv'), 'utf8'), { preset: 'none' });
    assert.equal(none.status, 'failed');
    assert.equal(none.format.preset, null);
    await assert.rejects(dryRun('x.csv', 'a,b\n1,2\n', { preset: 'sage-time' }), {
      code: 'MM_IMPORT_UNKNOWN_PRESET',
      message: /unknown preset 'sage-time'; choose one of: auto, none, connectwise-time/,
    });
    await assert.rejects(dryRun('x.csv', 'a,b\n1,2\n', { preset: 'connectwise-time', dataset: 'invoices' }), {
      code: 'MM_IMPORT_UNKNOWN_PRESET',
      message: /imports time_logs, not invoices/,
    });
  });

  test("a HaloPSA report with the designer's spaced column titles is read as HaloPSA actions", async () => {
    const csv = [
      'Ticket ID,Action Number,Who,When,Client Name,Charge Rate,Charge Hours,Non Charge Hours',
      '5001,1,Jane Doe,2025-03-04 10:00,Acme Corp,-1,0,1.5',
      '5001,2,Jane Doe,2025-03-05 11:00,Acme Corp,2,0.75,0.25',
    ].join('\n');
    const report = await importFile(t.database, t.config, { dataset: 'time_logs', file: t.file('halo-spaced.csv', csv), actor: 'tester' });
    assert.equal(report.status, 'succeeded', report.message);
    assert.equal(report.format.preset?.id, 'halopsa-time');
    const rows = await t.database.kysely
      .selectFrom('time_logs')
      .select(['log_id', 'work_date', 'billable', 'hours_milli'])
      .where('log_id', 'in', ['5001-1', '5001-2'])
      .orderBy('log_id')
      .execute();
    assert.deepEqual(
      rows.map((r) => [r.log_id, r.work_date, Number(r.billable), Number(r.hours_milli)]),
      [
        ['5001-1', '2025-03-04', 0, 1500],
        ['5001-2', '2025-03-05', 1, 1000],
      ],
    );
  });

  test('a total row is skipped but a client whose name starts with Total is data', async () => {
    const csv = [
      'client_name,staff_name,date,hours',
      'Total Networks,Jane Doe,2025-03-03,1',
      'Acme Corp,Jane Doe,2025-03-04,2',
      ',,Total,3',
      'Grand Total,,,3',
      ',,,',
    ].join('\n');
    const report = await dryRun('totals.csv', csv);
    assert.equal(report.rows.total, 2);
    // Total Networks is not a client here: read as data, it is refused as an unknown client, not skipped.
    assert.equal(report.rows.rejected, 1);
    assert.match(report.errors[0]!.message, /line 2.*unknown client/);
    assert.equal(report.format.skippedRows, 3);
  });

  test('a header that is not one, after title lines, is refused at its own line', async () => {
    const report = await dryRun('titled.csv', 'Time report\nMarch 2025\nwho,when,what,how long\nJane,2025-03-03,x,1\n');
    assert.equal(report.status, 'failed');
    assert.match(report.message, /^titled\.csv line 3: missing required columns/);
  });
});
