import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createRandom } from '../../src/explain/bootstrap.js';
import { importFile } from '../../src/ingest/import-file.js';
import { monthLabel, monthIndex, type Period } from '../../src/metrics/period.js';
import type { QueryPlanInput } from '../../src/metrics/query-plan.js';
import { runQuery } from '../../src/metrics/run-query.js';
import { edgeMonths } from '../../src/metrics/sources/rollup-period.js';
import { loadDemoData } from '../../src/sample/load-demo-data.js';
import { rollbackToVersion } from '../../src/ingest/rollback-version.js';
import { createTestContext, engines, type TestContext } from '../support/test-database.js';

/**
 * The monthly rollups must give exactly what summing the rows gives: for any period
 * (whole months, mid-month edges, one partial month, beyond the data), any grouping the
 * rollups serve, and after every kind of change — a first import, re-imports that move
 * rows between clients and months, a staff cost-rate change, rollbacks, and a database
 * whose rollups are rebuilt from scratch.
 */

const plans: QueryPlanInput[] = [
  { measures: ['revenue', 'collected_revenue', 'outstanding', 'invoice_count', 'hours', 'billable_hours', 'labor_cost'], groupBy: ['client'] },
  { measures: ['revenue', 'hours', 'labor_cost', 'gross_profit'], groupBy: ['industry', 'month'] },
  { measures: ['hours', 'billable_hours', 'labor_cost', 'staff_utilization_pct'], groupBy: ['staff'] },
  { measures: ['hours', 'labor_cost'], groupBy: ['quarter'], filters: { staff: ['__STAFF__'] } },
  { measures: ['revenue', 'outstanding', 'hours', 'labor_cost', 'effective_hourly_rate'], groupBy: [] },
  { measures: ['revenue', 'hours', 'labor_cost'], groupBy: ['year'], filters: { clients: ['C0003', 'C0011'] } },
  { measures: ['revenue', 'invoice_count'], groupBy: ['month'], filters: { industries: ['Healthcare', 'Legal'] } },
];

function periodsOver(range: Period): Array<Period | null> {
  const random = createRandom(11);
  const first = monthIndex(range.from);
  const last = monthIndex(range.to);
  const day = (month: number, d: number): string => `${monthLabel(month)}-${String(d).padStart(2, '0')}`;
  const periods: Array<Period | null> = [
    null, // the default: first to last date in the data
    { from: day(first, 1), to: day(last, 28) },
    { from: day(first + 2, 1), to: day(first + 4, 30) }, // whole months
    { from: day(first + 3, 15), to: day(first + 3, 20) }, // inside one month
    { from: day(first + 1, 10), to: day(first + 6, 17) }, // both edges mid-month
    { from: day(first - 3, 5), to: day(first + 1, 3) }, // starts before the data
    { from: day(last - 1, 12), to: day(last + 2, 2) }, // ends after it
    { from: day(first + 5, 31 - 30), to: day(first + 5, 1) }, // a single day
  ];
  for (let i = 0; i < 10; i++) {
    const a = first + Math.floor(random() * (last - first + 1));
    const b = a + Math.floor(random() * 4);
    periods.push({ from: day(a, 1 + Math.floor(random() * 28)), to: day(b, 1 + Math.floor(random() * 28)) });
  }
  return periods.map((p) => (p && p.from > p.to ? { from: p.to, to: p.from } : p));
}

async function assertRollupsMatchRows(t: TestContext, state: string, staffName: string): Promise<number> {
  const base = await runQuery(t.database, t.config, { measures: ['hours'] }, { useCache: false });
  let compared = 0;
  for (const period of periodsOver(base.period)) {
    for (const template of plans) {
      const filters = { ...(template.filters ?? {}), ...(period ?? {}) };
      if (filters.staff) filters.staff = [staffName];
      const plan = { ...template, filters };
      const fromRollups = await runQuery(t.database, t.config, plan, { useCache: false });
      const fromRows = await runQuery(t.database, t.config, plan, { useCache: false, useRollups: false });
      const label = `${state}: ${JSON.stringify(plan)}`;
      assert.deepEqual(fromRollups.rows, fromRows.rows, label);
      assert.deepEqual(fromRollups.sums, fromRows.sums, label);
      assert.deepEqual(fromRollups.assumptions, fromRows.assumptions, label);
      compared += 1;
    }
  }
  return compared;
}

/** Lines of a sample CSV without quoted fields, split on commas. */
function simpleRows(file: string): { header: string; rows: string[][] } {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  return { header: header!, rows: lines.filter((l) => !l.includes('"')).map((l) => l.split(',')) };
}

test('edge months are the partial calendar months at each end of a period', () => {
  assert.deepEqual(edgeMonths({ from: '2025-01-01', to: '2025-03-31' }), []);
  assert.deepEqual(edgeMonths({ from: '2024-02-01', to: '2024-02-29' }), []);
  assert.deepEqual(edgeMonths({ from: '2025-02-01', to: '2025-02-28' }), []);
  assert.deepEqual(edgeMonths({ from: '2025-01-15', to: '2025-03-02' }), [
    { month: '2025-01', from: '2025-01-15', to: '2025-01-31' },
    { month: '2025-03', from: '2025-03-01', to: '2025-03-02' },
  ]);
  assert.deepEqual(edgeMonths({ from: '2025-04-03', to: '2025-04-09' }), [{ month: '2025-04', from: '2025-04-03', to: '2025-04-09' }]);
  assert.deepEqual(edgeMonths({ from: '2025-04-01', to: '2025-06-29' }), [{ month: '2025-06', from: '2025-06-01', to: '2025-06-29' }]);
});

for (const engine of engines) {
  describe(`monthly rollups on ${engine}`, () => {
    let t: TestContext;
    let staffName = '';
    before(async () => {
      t = await createTestContext(engine);
      await loadDemoData(t.database, t.config);
      staffName = simpleRows(path.join(t.config.data_dir, 'demo', 'staff.csv')).rows[3]![0]!;
    });
    after(async () => {
      await t.cleanup();
    });

    test('after the first import they answer exactly what the rows answer', async () => {
      const compared = await assertRollupsMatchRows(t, 'demo', staffName);
      assert.equal(compared, 18 * plans.length);
    });

    test('re-imports that move rows, a cost-rate change and rollbacks keep them exact', async () => {
      const demo = path.join(t.config.data_dir, 'demo');
      const before = (await runQuery(t.database, t.config, { measures: ['labor_cost', 'revenue'] }, { useCache: false })).rows[0]!;

      // Changes to the demo data itself (`demoData: 'mix'`: an import into demo data is refused otherwise).
      // Time logs: one moves to another client and month, one changes hours, two are new.
      const logs = simpleRows(path.join(demo, 'time_logs.csv'));
      const [moved, changed] = [logs.rows[5]!, logs.rows[40]!];
      const movedTo = [moved[0], moved[1] === 'C0001' ? 'C0002' : 'C0001', moved[2], '2025-07-16', ...moved.slice(4)];
      const changedTo = [...changed.slice(0, 4), '7.75', ...changed.slice(5)];
      const fresh = [
        ['NEW-1', 'C0004', moved[2], '2025-07-31', '3.5', '', 'true'],
        ['NEW-2', 'C0004', changed[2], '2026-02-15', '2', '', 'false'],
      ];
      const logFile = t.file('logs-update.csv', [logs.header, ...[movedTo, changedTo, ...fresh].map((r) => r.join(','))].join('\n'));
      const logReport = await importFile(t.database, t.config, { dataset: 'time_logs', file: logFile, demoData: 'mix' });
      assert.equal(logReport.status, 'succeeded', logReport.message);
      assert.deepEqual([logReport.rows.added, logReport.rows.updated], [2, 2]);
      await assertRollupsMatchRows(t, 'after moving time logs', staffName);

      // Invoices: one moves client and month, one becomes void.
      const invoices = simpleRows(path.join(demo, 'invoices.csv'));
      const a = invoices.rows[3]!;
      const b = invoices.rows.slice(30).find((r) => r[5] === 'paid')!;
      const invoiceFile = t.file(
        'invoices-update.csv',
        [
          invoices.header,
          [a[0], a[1] === 'C0005' ? 'C0006' : 'C0005', '2025-03-14', '2025-04-13', ...a.slice(4)].join(','),
          [...b.slice(0, 5), 'void', ...b.slice(6)].join(','),
        ].join('\n'),
      );
      const invoiceReport = await importFile(t.database, t.config, { dataset: 'invoices', file: invoiceFile, demoData: 'mix' });
      assert.equal(invoiceReport.status, 'succeeded', `${invoiceReport.message} ${JSON.stringify(invoiceReport.errors.slice(0, 2))}`);
      assert.equal(invoiceReport.rows.updated, 2);
      await assertRollupsMatchRows(t, 'after moving invoices', staffName);

      // Staff: one rate goes up, one is removed (that person is then costed at the default).
      const staff = simpleRows(path.join(demo, 'staff.csv'));
      const rated = staff.rows.filter((r) => r[2] !== '');
      const raised = [rated[0]![0], rated[0]![1], String(Number(rated[0]![2]) + 12.5), rated[0]![3]];
      const unrated = [rated[1]![0], rated[1]![1], '', rated[1]![3]];
      const staffFile = t.file('staff-update.csv', [staff.header, raised.join(','), unrated.join(',')].join('\n'));
      const staffReport = await importFile(t.database, t.config, { dataset: 'staff', file: staffFile, demoData: 'mix' });
      assert.equal(staffReport.status, 'succeeded', `${staffReport.message} ${JSON.stringify(staffReport.errors.slice(0, 2))}`);
      const afterStaff = (await runQuery(t.database, t.config, { measures: ['labor_cost', 'revenue'] }, { useCache: false })).rows[0]!;
      assert.notEqual(afterStaff.labor_cost, before.labor_cost, 'the rate change reaches labor cost');
      await assertRollupsMatchRows(t, 'after a staff rate change', staffName);

      // Back to the demo data: the numbers return exactly.
      await rollbackToVersion(t.database.kysely, 5, 'test');
      await assertRollupsMatchRows(t, 'after rolling back', staffName);
      const back = (await runQuery(t.database, t.config, { measures: ['labor_cost', 'revenue'] }, { useCache: false })).rows[0]!;
      assert.deepEqual(back, before);
    });

    test('a database without rollups gets them built on open', async () => {
      const expected = await runQuery(t.database, t.config, plans[0]!, { useCache: false, useRollups: false });
      await t.database.kysely.deleteFrom('rollup_time_client_month').execute();
      await t.database.kysely.deleteFrom('rollup_invoice_client_month').execute();
      await t.database.kysely.deleteFrom('app_meta').where('key', '=', 'rollup_format').execute();
      await t.reopen();
      const rebuilt = await runQuery(t.database, t.config, plans[0]!, { useCache: false });
      assert.deepEqual(rebuilt.rows, expected.rows);
    });
  });
}
