import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { profitabilityByClient } from '../../src/analytics/profitability.js';
import { runAnalysis } from '../../src/analytics/run-analysis.js';
import { staffUtilization } from '../../src/analytics/staff-utilization.js';
import { loadPolicy } from '../../src/governance/policy.js';
import { importFile } from '../../src/ingest/import-file.js';
import { runQuery } from '../../src/metrics/run-query.js';
import { clientsCsv } from '../support/small-msp.js';
import { createTestContext, engines, type TestContext } from '../support/test-database.js';

const quarter = { from: '2025-01-01', to: '2025-03-31' };
const { review } = loadPolicy(null).policy;

/**
 * Cobalt (C3) has revenue but only 0-hour time entries, all by Zed, who logged nothing else:
 * every ratio over hours is undefined for both, and must come out null, never NaN or Infinity.
 */
const files = {
  staff: ['staff_name,cost_rate', 'Ann Lee,50', 'Zed Zero,40', ''].join('\n'),
  invoices: ['invoice_id,client_id,invoice_date,amount,status', 'I1,C1,2025-01-31,1000,paid', 'I3,C3,2025-02-28,450,paid', ''].join('\n'),
  timeLogs: [
    'log_id,client_id,staff_name,date,hours,billable',
    'T1,C1,Ann Lee,2025-01-10,4,true',
    'T2,C1,Ann Lee,2025-02-10,2,false',
    'Z1,C3,Zed Zero,2025-02-03,0,true',
    'Z2,C3,Zed Zero,2025-03-04,0.00,false',
    '',
  ].join('\n'),
};

/** Every number anywhere in a value, with its path: none may be NaN or infinite. */
function nonFiniteNumbers(value: unknown, at = '$'): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${at} = ${value}`];
  if (Array.isArray(value)) return value.flatMap((v, i) => nonFiniteNumbers(v, `${at}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => nonFiniteNumbers(v, `${at}.${k}`));
  return [];
}

for (const engine of engines) {
  describe(`0-hour time entries on ${engine}`, () => {
    let t: TestContext;
    before(async () => {
      t = await createTestContext(engine);
      const inOrder = [
        ['clients', clientsCsv],
        ['staff', files.staff],
        ['invoices', files.invoices],
        ['time_logs', files.timeLogs],
      ];
      for (const [dataset, content] of inOrder as Array<[string, string]>) {
        const report = await importFile(t.database, t.config, { dataset, file: t.file(`${dataset}.csv`, content), actor: 'tester' });
        assert.equal(report.status, 'succeeded', report.message);
      }
    });
    after(async () => {
      await t.cleanup();
    });

    test('the metric layer counts them and leaves ratios over hours null', async () => {
      const byClient = await runQuery(t.database, t.config, {
        measures: ['hours', 'billable_hours', 'labor_cost', 'effective_hourly_rate', 'billable_ratio_pct', 'gross_margin_pct'],
        groupBy: ['client'],
        filters: quarter,
      });
      const i = byClient.rows.findIndex((r) => r.client === 'C3');
      assert.deepEqual(
        { ...byClient.rows[i] },
        {
          client: 'C3',
          client_name: 'Cobalt Clinics',
          hours: 0,
          billable_hours: 0,
          labor_cost: 0,
          effective_hourly_rate: null,
          billable_ratio_pct: null,
          gross_margin_pct: 100,
        },
      );
      assert.equal(byClient.sums[i]!.time_log_count, 2, 'both entries count');

      const byStaff = await runQuery(t.database, t.config, {
        measures: ['hours', 'billable_ratio_pct', 'staff_utilization_pct', 'labor_cost'],
        groupBy: ['staff'],
        filters: quarter,
      });
      const zed = byStaff.rows.find((r) => r.staff === 'zed zero');
      assert.deepEqual(
        { ...zed },
        {
          staff: 'zed zero',
          staff_name: 'Zed Zero',
          hours: 0,
          billable_ratio_pct: null,
          staff_utilization_pct: 0,
          labor_cost: 0,
        },
      );
      assert.deepEqual(nonFiniteNumbers([byClient, byStaff]), []);
    });

    test('profitability and utilization: no rate for a client or a person without hours', async () => {
      const cobalt = (await profitabilityByClient(t.database, t.config, quarter)).rows.find((r) => r.clientId === 'C3')!;
      assert.equal(cobalt.hours, 0);
      assert.equal(cobalt.effectiveHourlyRate, null);
      assert.equal(cobalt.grossMarginPct, 100);
      const zed = (await staffUtilization(t.database, t.config, quarter)).rows.find((r) => r.staffKey === 'zed zero')!;
      assert.deepEqual([zed.hours, zed.billableRatioPct, zed.utilizationPct], [0, null, 0]);
    });

    test('the full analysis (confidence, bootstrap, attribution) has no NaN or Infinity anywhere', async () => {
      const doc = await runAnalysis(t.database, t.config, { filters: quarter, actor: 'tester', review });
      assert.deepEqual(nonFiniteNumbers(doc), []);
      const cobalt = doc.clients.find((c) => c.clientId === 'C3')!;
      assert.equal(cobalt.effectiveHourlyRate, null);
      const sample = cobalt.confidence.factors.find((f) => f.name === 'time_log_sample_size')!;
      assert.ok(sample.score > 0, 'the two 0-hour entries count as time logs');
      assert.equal(cobalt.confidence.factors.find((f) => f.name === 'cost_rate_coverage')!.score, 1);
      assert.ok(Number.isFinite(cobalt.confidence.value));
      const zed = doc.staff.rows.find((r) => r.staffKey === 'zed zero')!;
      assert.equal(zed.billableRatioPct, null);
    });
  });
}
