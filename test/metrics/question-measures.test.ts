import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { importFile } from '../../src/ingest/import-file.js';
import { runQuery } from '../../src/metrics/run-query.js';
import { createTestContext, engines, type TestContext } from '../support/test-database.js';

/**
 * The measures and filters that plain-English questions need (issue 10): amounts by invoice
 * status, client status, time-entry averages, per-month averages, contract values, license
 * and staff counts. Expected values are worked out by hand from the files below.
 */
const files: Record<string, string> = {
  clients: [
    'client_id,client_name,industry,status,contract_value',
    'K1,Alpha,Retail,active,1000.00',
    'K2,Bravo,Legal,churned,500.00',
    'K3,Charlie,Legal,active,',
    'K4,Dune,Retail,inactive,300.00',
    '',
  ].join('\n'),
  staff: 'staff_name,cost_rate,weekly_capacity_hours\nAnn,50.00,40\nBob,40.00,40\n',
  invoices: [
    'invoice_id,client_id,invoice_date,total_amount,status',
    'J1,K1,2025-01-31,1000.00,paid',
    'J2,K1,2025-02-28,600.00,overdue',
    'J3,K2,2025-01-31,400.00,pending',
    'J4,K2,2025-02-15,200.00,void',
    'J5,K3,2025-03-31,300.00,overdue',
    'J6,K4,2025-03-01,100.00,draft',
    '',
  ].join('\n'),
  time_logs: [
    'log_id,client_id,staff_name,date,hours,billable',
    'T1,K1,Ann,2025-01-10,2,true',
    'T2,K1,Ann,2025-02-10,1,false',
    'T3,K2,Bob,2025-01-20,3,true',
    'T4,K3,Ann,2025-03-05,0.5,true',
    '',
  ].join('\n'),
  licenses: [
    'license_id,client_id,product,vendor,seats_purchased,seats_used,cost_per_seat',
    'L1,K1,Zoom Pro,Zoom,5,3,10.00',
    'L2,K2,Zoom Pro,Zoom,2,2,10.00',
    'L3,K3,Acrobat Pro,Adobe,1,1,20.00',
    '',
  ].join('\n'),
};

const q1 = { from: '2025-01-01', to: '2025-03-31' };

for (const engine of engines) {
  describe(`question measures on ${engine}`, () => {
    let t: TestContext;
    before(async () => {
      t = await createTestContext(engine);
      for (const [dataset, content] of Object.entries(files)) {
        const report = await importFile(t.database, t.config, { dataset, file: t.file(`${dataset}.csv`, content) });
        assert.equal(report.status, 'succeeded', report.message);
      }
    });
    after(async () => {
      await t.cleanup();
    });

    test('invoice status filter: overdue amount, counts of every status', async () => {
      const overdue = await runQuery(t.database, t.config, { measures: ['outstanding'], filters: { ...q1, invoiceStatuses: ['overdue'] } });
      assert.equal(overdue.rows[0]!.outstanding, 900);
      const byClient = await runQuery(t.database, t.config, {
        measures: ['outstanding'],
        groupBy: ['client'],
        filters: { ...q1, invoiceStatuses: ['overdue'] },
        sort: [{ by: 'outstanding', direction: 'desc' }],
      });
      assert.deepEqual(
        byClient.rows.map((r) => [r.client_name, r.outstanding]),
        [
          ['Alpha', 600],
          ['Charlie', 300],
          ['Bravo', 0],
          ['Dune', 0],
        ],
      );
      const voided = await runQuery(t.database, t.config, { measures: ['invoice_count', 'all_invoice_count'], filters: { ...q1, invoiceStatuses: ['void'] } });
      // invoice_count follows revenue (no void or draft); all_invoice_count counts every invoice listed.
      assert.deepEqual(voided.rows[0], { invoice_count: 0, all_invoice_count: 1 });
      const all = await runQuery(t.database, t.config, { measures: ['invoice_count', 'all_invoice_count'], filters: q1 });
      assert.deepEqual(all.rows[0], { invoice_count: 4, all_invoice_count: 6 });
    });

    test('client status filter applies to counts, invoices, time logs and licenses', async () => {
      const active = await runQuery(t.database, t.config, {
        measures: ['client_count', 'revenue', 'hours', 'license_cost'],
        filters: { ...q1, clientStatuses: ['active'] },
      });
      // K1 + K3: revenue 1000 + 600 + 300; hours 2 + 1 + 0.5; licenses 3 months × (50 + 20).
      assert.deepEqual(active.rows[0], { client_count: 2, revenue: 1900, hours: 3.5, license_cost: 210 });
      const churned = await runQuery(t.database, t.config, { measures: ['client_count'], filters: { clientStatuses: ['churned'] } });
      assert.equal(churned.rows[0]!.client_count, 1);
      const byStaff = await runQuery(t.database, t.config, { measures: ['hours'], groupBy: ['staff'], filters: { ...q1, clientStatuses: ['churned'] } });
      assert.deepEqual(
        byStaff.rows.map((r) => [r.staff_name, r.hours]),
        [['Bob', 3]],
      );
    });

    test('averages: hours per time entry, revenue per month of the period, contract value', async () => {
      const entries = await runQuery(t.database, t.config, { measures: ['time_entry_count', 'hours_per_time_entry'], filters: q1 });
      assert.deepEqual(entries.rows[0], { time_entry_count: 4, hours_per_time_entry: 1.63 });
      const perMonth = await runQuery(t.database, t.config, { measures: ['average_monthly_revenue'], filters: q1 });
      assert.equal(perMonth.rows[0]!.average_monthly_revenue, 766.67);
      // 15 Jan – 10 Feb touches two months; J1 (1000) and J3 (400) are inside.
      const cut = await runQuery(t.database, t.config, { measures: ['average_monthly_revenue'], filters: { from: '2025-01-15', to: '2025-02-10' } });
      assert.equal(cut.rows[0]!.average_monthly_revenue, 700);
      const contracts = await runQuery(t.database, t.config, { measures: ['contract_value', 'average_contract_value'] });
      // Charlie has no contract value: the average is over the three clients that have one.
      assert.deepEqual(contracts.rows[0], { contract_value: 1800, average_contract_value: 600 });
      const activeContracts = await runQuery(t.database, t.config, { measures: ['average_contract_value'], filters: { clientStatuses: ['active'] } });
      assert.equal(activeContracts.rows[0]!.average_contract_value, 1000);
    });

    test('license and staff counts', async () => {
      const zoom = await runQuery(t.database, t.config, {
        measures: ['license_count'],
        groupBy: ['client'],
        filters: { vendors: ['Zoom'], thresholds: [{ measure: 'license_count', op: '>', value: 0 }] },
      });
      assert.deepEqual(
        zoom.rows.map((r) => r.client_name),
        ['Alpha', 'Bravo'],
      );
      const staff = await runQuery(t.database, t.config, { measures: ['staff_count'] });
      assert.equal(staff.rows[0]!.staff_count, 2);
    });

    test('rows without a value sort last in either direction', async () => {
      const plan = { measures: ['gross_margin_pct' as const], groupBy: ['client' as const], filters: q1 };
      const desc = await runQuery(t.database, t.config, { ...plan, sort: [{ by: 'gross_margin_pct', direction: 'desc' }] });
      // Alpha (1600 − 150 − 150) / 1600 = 81.25; Charlie (300 − 25 − 60) / 300 = 71.67; Bravo (400 − 120 − 60) / 400 = 55; Dune has no revenue.
      assert.deepEqual(
        desc.rows.map((r) => [r.client_name, r.gross_margin_pct]),
        [
          ['Alpha', 81.25],
          ['Charlie', 71.67],
          ['Bravo', 55],
          ['Dune', null],
        ],
      );
      const asc = await runQuery(t.database, t.config, { ...plan, sort: [{ by: 'gross_margin_pct', direction: 'asc' }] });
      assert.deepEqual(
        asc.rows.map((r) => r.client_name),
        ['Bravo', 'Charlie', 'Alpha', 'Dune'],
      );
    });
  });
}
