import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { importFile } from '../../src/ingest/import-file.js';
import { runQuery, type MetricRow } from '../../src/metrics/run-query.js';
import { rollbackToVersion } from '../../src/ingest/rollback-version.js';
import { edgeCaseMsp as files, importEdgeCaseMsp } from '../support/edge-case-msp.js';
import { createTestContext, engines, type TestContext } from '../support/test-database.js';

const quarter = { from: '2025-01-01', to: '2025-03-31' };
const profitability = [
  'revenue',
  'collected_revenue',
  'outstanding',
  'invoice_count',
  'hours',
  'billable_hours',
  'labor_cost',
  'license_cost',
  'total_cost',
  'gross_profit',
  'gross_margin_pct',
  'effective_hourly_rate',
] as const;

function pick(row: MetricRow | undefined, keys: readonly string[]): Record<string, unknown> {
  assert.ok(row, 'row exists');
  return Object.fromEntries(keys.map((k) => [k, (row as Record<string, unknown>)[k]]));
}

for (const engine of engines) {
  describe(`metric layer on ${engine}`, () => {
    let t: TestContext;
    before(async () => {
      t = await createTestContext(engine);
      await importEdgeCaseMsp(t);
    });
    after(async () => {
      await t.cleanup();
    });

    test('profitability by client follows the metric dictionary exactly', async () => {
      const result = await runQuery(t.database, t.config, { measures: [...profitability], groupBy: ['client'], filters: quarter });
      assert.deepEqual(result.period, quarter);
      assert.equal(result.version, 5);
      const by = Object.fromEntries(result.rows.map((r) => [r.client, r]));
      // Acme: revenue 1000 + 1000 − 200 (credit) = 1800, void 500 excluded; labor 10×50 + 4×45 (Bob, default) + 2×50 = 780;
      // licenses 3 months × (10×20 + 30) = 690; profit 330; margin 18.33; rate (1800 − 690)/16 = 69.375 → 69.38.
      assert.deepEqual(pick(by.C1, ['client_name', ...profitability]), {
        client_name: 'Acme',
        revenue: 1800,
        collected_revenue: 800,
        outstanding: 1000,
        invoice_count: 3,
        hours: 16,
        billable_hours: 14,
        labor_cost: 780,
        license_cost: 690,
        total_cost: 1470,
        gross_profit: 330,
        gross_margin_pct: 18.33,
        effective_hourly_rate: 69.38,
      });
      // Beta: revenue 300 (draft 700 excluded); labor 6×45 + 0.5×50 = 295; licenses 0 seats → 0, L4 from Feb 15 → 2 × 100.
      assert.deepEqual(pick(by.C2, profitability), {
        revenue: 300,
        collected_revenue: 0,
        outstanding: 300,
        invoice_count: 1,
        hours: 6.5,
        billable_hours: 6,
        labor_cost: 295,
        license_cost: 200,
        total_cost: 495,
        gross_profit: -195,
        gross_margin_pct: -65,
        effective_hourly_rate: 15.38,
      });
      // Cobalt: no revenue → margin null; Cy is not in the staff list → 3 × 45; L5 ended Jan 10 → one month of 60.
      assert.deepEqual(pick(by.C3, profitability), {
        revenue: 0,
        collected_revenue: 0,
        outstanding: 0,
        invoice_count: 0,
        hours: 3,
        billable_hours: 3,
        labor_cost: 135,
        license_cost: 60,
        total_cost: 195,
        gross_profit: -195,
        gross_margin_pct: null,
        effective_hourly_rate: -20,
      });
      // Delta: no hours → rate null.
      assert.deepEqual(pick(by.C4, profitability), {
        revenue: 400,
        collected_revenue: 400,
        outstanding: 0,
        invoice_count: 1,
        hours: 0,
        billable_hours: 0,
        labor_cost: 0,
        license_cost: 0,
        total_cost: 0,
        gross_profit: 400,
        gross_margin_pct: 100,
        effective_hourly_rate: null,
      });
      assert.deepEqual(result.assumptions, ['13.00 h were costed at the default rate $45.00/h (staff without a cost rate)']);
    });

    test('portfolio totals, license efficiency and counts', async () => {
      const result = await runQuery(t.database, t.config, {
        measures: [
          'revenue',
          'labor_cost',
          'license_cost',
          'gross_profit',
          'gross_margin_pct',
          'effective_hourly_rate',
          'seats_purchased',
          'seats_used',
          'license_utilization_pct',
          'unused_seats',
          'over_assigned_seats',
          'license_waste',
          'billable_ratio_pct',
          'client_count',
        ],
        filters: quarter,
      });
      assert.equal(result.rows.length, 1);
      // seats 10+2+0+5+4 = 21, used 6+3+0+5+1 = 15; unused 4 (L1) + 3 (L5); over 1 (L2); waste 4×20 + 3×60/4 = 125.
      assert.deepEqual(result.rows[0], {
        revenue: 2500,
        labor_cost: 1210,
        license_cost: 950,
        gross_profit: 340,
        gross_margin_pct: 13.6,
        effective_hourly_rate: 60.78,
        seats_purchased: 21,
        seats_used: 15,
        license_utilization_pct: 71.43,
        unused_seats: 7,
        over_assigned_seats: 1,
        license_waste: 125,
        billable_ratio_pct: 90.2,
        client_count: 4,
      });
    });

    test('license efficiency by product and vendor; 0-seat licenses have no utilization', async () => {
      const result = await runQuery(t.database, t.config, {
        measures: ['seats_purchased', 'seats_used', 'license_utilization_pct', 'unused_seats', 'license_waste'],
        groupBy: ['vendor', 'product'],
        filters: quarter,
      });
      assert.deepEqual(
        result.rows.map((r) => [r.vendor, r.product, r.seats_purchased, r.seats_used, r.license_utilization_pct, r.unused_seats, r.license_waste]),
        [
          ['Adobe', 'Acrobat Pro', 4, 1, 25, 3, 45],
          ['Cisco', 'Duo MFA', 0, 0, null, 0, 0],
          ['Microsoft', 'Microsoft 365 E3', 15, 11, 73.33, 4, 80],
          ['Zoom', 'Zoom Pro', 2, 3, 150, 0, 0],
        ],
      );
    });

    test('monthly trends: revenue, labor and license cost per calendar month', async () => {
      const result = await runQuery(t.database, t.config, {
        measures: ['revenue', 'labor_cost', 'license_cost', 'gross_profit'],
        groupBy: ['month'],
        filters: quarter,
      });
      // Jan: revenue 1000 + 300, labor 500 + 270, licenses 200 + 30 + 0 + 60 (L5's last month);
      // Feb: 1000 + 400 (draft excluded), 180 + 135, 200 + 30 + 100 (L4 starts); Mar: −200 (void excluded), 100 + 25, 330.
      assert.deepEqual(
        result.rows.map((r) => [r.month, r.revenue, r.labor_cost, r.license_cost, r.gross_profit]),
        [
          ['2025-01', 1300, 770, 290, 240],
          ['2025-02', 1400, 315, 330, 755],
          ['2025-03', -200, 125, 330, -655],
        ],
      );
    });

    test('a period touching partial months: months(P ∩ license dates) and inclusive ends', async () => {
      const result = await runQuery(t.database, t.config, { measures: ['revenue', 'license_cost'], filters: { from: '2025-02-15', to: '2025-03-10' } });
      // Invoices I7 (Feb 15, inclusive) and I2; licenses over Feb–Mar: L1 400, L2 60, L4 200, L5 ended before P → 0.
      assert.deepEqual(result.rows[0], { revenue: 1400, license_cost: 660 });
    });

    test('staff utilization against capacity, including staff missing from the staff list', async () => {
      const result = await runQuery(t.database, t.config, {
        measures: ['billable_hours', 'hours', 'staff_utilization_pct', 'billable_ratio_pct'],
        groupBy: ['staff'],
        filters: quarter,
      });
      // 90 days: Ann 40 h/wk → 514.286 h capacity, billable 10 → 1.94 %; Bob 20 h/wk → 257.143 h, billable 10 → 3.89 %;
      // Cy logs time without a staff row → 40 h/wk, billable 3 → 0.58 %.
      assert.deepEqual(
        result.rows.map((r) => [r.staff, r.staff_name, r.billable_hours, r.hours, r.staff_utilization_pct, r.billable_ratio_pct]),
        [
          ['ann', 'Ann', 10, 12.5, 1.94, 80],
          ['bob', 'Bob', 10, 10, 3.89, 100],
          ['cy', 'Cy', 3, 3, 0.58, 100],
        ],
      );
      const overall = await runQuery(t.database, t.config, { measures: ['staff_utilization_pct'], filters: quarter });
      assert.deepEqual(overall.rows[0], { staff_utilization_pct: 1.79 });
    });

    test('staff utilization by month and quarter: each part against its own capacity', async () => {
      const byMonth = await runQuery(t.database, t.config, {
        measures: ['staff_utilization_pct'],
        groupBy: ['month'],
        filters: quarter,
        sort: [{ by: 'month', direction: 'asc' }],
      });
      const months = [
        { from: '2025-01-01', to: '2025-01-31' },
        { from: '2025-02-01', to: '2025-02-28' },
        { from: '2025-03-01', to: '2025-03-31' },
      ];
      const separately = [];
      for (const m of months)
        separately.push((await runQuery(t.database, t.config, { measures: ['staff_utilization_pct'], filters: m })).rows[0]?.staff_utilization_pct ?? null);
      assert.deepEqual(
        byMonth.rows.map((r) => r.staff_utilization_pct ?? null),
        separately,
      );
      assert.deepEqual(
        byMonth.rows.map((r) => r.month),
        ['2025-01', '2025-02', '2025-03'],
      );
      const byQuarter = await runQuery(t.database, t.config, { measures: ['staff_utilization_pct'], groupBy: ['quarter'], filters: quarter });
      assert.deepEqual(byQuarter.rows, [{ quarter: '2025-Q1', staff_utilization_pct: 1.79 }]);
    });

    test('filters, thresholds, sort and limit', async () => {
      const losing = await runQuery(t.database, t.config, {
        measures: ['gross_margin_pct'],
        groupBy: ['client'],
        filters: { ...quarter, thresholds: [{ measure: 'gross_margin_pct', op: '<', value: 0 }] },
      });
      assert.deepEqual(
        losing.rows.map((r) => r.client),
        ['C2'],
      );
      const top = await runQuery(t.database, t.config, {
        measures: ['gross_profit'],
        groupBy: ['client'],
        filters: quarter,
        sort: [{ by: 'gross_profit', direction: 'desc' }],
        limit: 2,
      });
      assert.deepEqual(
        top.rows.map((r) => [r.client, r.gross_profit]),
        [
          ['C4', 400],
          ['C1', 330],
        ],
      );
      const legal = await runQuery(t.database, t.config, {
        measures: ['revenue', 'hours'],
        groupBy: ['industry'],
        filters: { ...quarter, industries: ['Legal'] },
      });
      assert.deepEqual(legal.rows, [{ industry: 'Legal', revenue: 700, hours: 6.5 }]);
      const byStatus = await runQuery(t.database, t.config, {
        measures: ['invoice_count', 'revenue'],
        groupBy: ['invoice_status'],
        filters: { ...quarter, clients: ['C1'] },
      });
      assert.deepEqual(
        byStatus.rows.map((r) => [r.invoice_status, r.invoice_count, r.revenue]),
        [
          ['paid', 2, 800],
          ['pending', 1, 1000],
          ['void', 0, 0],
        ],
      );
    });

    test('the default period runs from the earliest to the latest invoice or time-log date', async () => {
      const result = await runQuery(t.database, t.config, { measures: ['revenue', 'hours'] });
      assert.deepEqual(result.period, { from: '2025-01-10', to: '2025-03-31' });
      assert.deepEqual(result.rows[0], { revenue: 2500, hours: 25.5 });
    });

    test('answers are cached per plan and dataset version, and never outlive the version', async () => {
      const plan = { measures: ['revenue' as const], filters: { from: '2024-01-01', to: '2025-12-31' } };
      const first = await runQuery(t.database, t.config, plan);
      first.rows[0]!.revenue = -1; // callers get copies: changing one does not change the cache
      // A change behind the importer's back (no new version) is not seen: the stored answer is served.
      await t.database.kysely.updateTable('invoices').set({ total_cents: 0 }).where('invoice_id', '=', 'I7').execute();
      assert.deepEqual((await runQuery(t.database, t.config, plan)).rows, [{ revenue: 2500 }]);
      // An import is a new version: the answer is recomputed (I7 is restored to 400.00 by the same file).
      const report = await importFile(t.database, t.config, {
        dataset: 'invoices',
        file: t.file('invoices-again.csv', files.invoices.replace('I7,C4,2025-02-15,400.00,paid', 'I7,C4,2025-02-15,450.00,paid')),
      });
      assert.equal(report.status, 'succeeded', report.message);
      assert.deepEqual((await runQuery(t.database, t.config, plan)).rows, [{ revenue: 2550 }]);
      // Rolling back returns to version 5; undo the direct edit too, so version 5 means the original data again.
      await rollbackToVersion(t.database.kysely, 5, 'tester');
      await t.database.kysely.updateTable('invoices').set({ total_cents: 40000 }).where('invoice_id', '=', 'I7').execute();
      assert.deepEqual((await runQuery(t.database, t.config, plan)).rows, [{ revenue: 2500 }]);
    });

    test('questions the data cannot answer are refused with the reason', async () => {
      await assert.rejects(runQuery(t.database, t.config, { measures: ['revenue'], groupBy: ['staff'] }), {
        code: 'MM_QUERY_INVALID',
        message: 'revenue cannot be grouped by staff: invoices and licenses are not assigned to staff',
      });
      await assert.rejects(runQuery(t.database, t.config, { measures: ['unused_seats'], groupBy: ['month'] }), /seat counts are a snapshot/);
      await assert.rejects(runQuery(t.database, t.config, { measures: ['profit' as never] }), { code: 'MM_QUERY_INVALID' });
      await assert.rejects(
        runQuery(t.database, t.config, { measures: ['revenue'], filters: { from: '2025-03-01', to: '2025-01-01' } }),
        /from must not be after filters.to/,
      );
      await assert.rejects(runQuery(t.database, t.config, { measures: ['revenue'], filters: { from: '2025-02-30' } }), {
        code: 'MM_QUERY_INVALID',
        message: 'query plan: filters.from: is not a calendar date',
      });
      await assert.rejects(runQuery(t.database, t.config, { measures: ['revenue'], filters: { from: '2026-01-01' } }), {
        code: 'MM_QUERY_INVALID',
        message: 'the period 2026-01-01 to 2025-03-31 is empty: the data ends on 2025-03-31',
      });
    });
  });
}
