import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { licenseEfficiency } from '../../src/analytics/license-efficiency.js';
import { monthlyTrends } from '../../src/analytics/monthly-trends.js';
import { portfolioOverview } from '../../src/analytics/portfolio-overview.js';
import { profitabilityByClient } from '../../src/analytics/profitability.js';
import { staffUtilization } from '../../src/analytics/staff-utilization.js';
import { importEdgeCaseMsp } from '../support/edge-case-msp.js';
import { createTestContext, engines, type TestContext } from '../support/test-database.js';

const quarter = { from: '2025-01-01', to: '2025-03-31' };

for (const engine of engines) {
  describe(`analyses on ${engine}`, () => {
    let t: TestContext;
    before(async () => {
      t = await createTestContext(engine);
      await importEdgeCaseMsp(t);
    });
    after(async () => {
      await t.cleanup();
    });

    test('profitability by client: worst margin first, with bands; no-revenue clients last', async () => {
      const result = await profitabilityByClient(t.database, t.config, quarter);
      assert.deepEqual(
        result.rows.map((r) => [r.clientName, r.grossMarginPct, r.band]),
        [
          ['Beta', -65, 'losing_money'],
          ['Acme', 18.33, 'at_risk'],
          ['Delta', 100, 'healthy'],
          ['Cobalt', null, null],
        ],
      );
    });

    test('license efficiency: positions with concrete recommendations, summaries by client, product and vendor', async () => {
      const result = await licenseEfficiency(t.database, t.config, quarter);
      const e3 = result.positions.find((p) => p.clientName === 'Acme' && p.product === 'Microsoft 365 E3')!;
      // 6 used × 1.10 = 6.6 → 7 seats kept; 10 − 7 = 3 seats × $20 = $60 a month.
      assert.equal(e3.recommendation.text, 'reduce Microsoft 365 E3 for Acme from 10 to 7 seats: saves $60.00/month');
      const acrobat = result.positions.find((p) => p.product === 'Acrobat Pro')!;
      // 1 used → keep 2 of 4; 2 × $15 (60 / 4 seats).
      assert.equal(acrobat.recommendation.text, 'reduce Acrobat Pro for Cobalt from 4 to 2 seats: saves $30.00/month');
      assert.equal(acrobat.band, 'under_used');
      const zoom = result.positions.find((p) => p.product === 'Zoom Pro')!;
      assert.equal(zoom.band, 'over_assigned');
      assert.equal(zoom.recommendation.action, 'true_up');
      assert.equal(result.totalMonthlyWaste, 125);
      assert.equal(result.totalMonthlySavings, 90);
      assert.deepEqual(
        result.byVendor.map((v) => [v.key, v.monthlyWaste]),
        [
          ['Microsoft', 80],
          ['Adobe', 45],
          ['Cisco', 0],
          ['Zoom', 0],
        ],
      );
      assert.deepEqual(result.byClient.map((c) => c.key).sort(), ['Acme', 'Beta', 'Cobalt']);
    });

    test('staff utilization with bands and the overall figure', async () => {
      const result = await staffUtilization(t.database, t.config, quarter);
      assert.deepEqual(
        result.rows.map((r) => [r.staffName, r.utilizationPct, r.band]),
        [
          ['Bob', 3.89, 'under_used'],
          ['Ann', 1.94, 'under_used'],
          ['Cy', 0.58, 'under_used'],
        ],
      );
      assert.deepEqual(result.overall, { utilizationPct: 1.79, billableRatioPct: 90.2, band: 'under_used' });
    });

    test('monthly trends list every month of the period, empty ones as zeros', async () => {
      // December has no invoices or hours, but L1 200 + L2 30 + L3 0 + L5 60 (no start date, ends Jan 10) of licenses.
      const result = await monthlyTrends(t.database, t.config, { from: '2024-12-01', to: '2025-03-31' });
      assert.deepEqual(
        result.rows.map((r) => [r.month, r.revenue, r.grossProfit]),
        [
          ['2024-12', 0, -290],
          ['2025-01', 1300, 240],
          ['2025-02', 1400, 755],
          ['2025-03', -200, -655],
        ],
      );
    });

    test('portfolio overview: totals, band counts and the clients losing money', async () => {
      const result = await portfolioOverview(t.database, t.config, quarter);
      assert.equal(result.totals.revenue, 2500);
      assert.equal(result.totals.grossProfit, 340);
      assert.equal(result.totals.clientCount, 4);
      assert.equal(result.totals.staffUtilizationPct, 1.79);
      assert.equal(result.band, 'at_risk');
      assert.deepEqual(result.clientsByBand, { healthy: 1, watch: 0, at_risk: 1, losing_money: 1, no_revenue: 1 });
      assert.deepEqual(
        result.losingClients.map((c) => [c.clientName, c.grossProfit]),
        [
          ['Beta', -195],
          ['Cobalt', -195],
        ],
      );
    });
  });
}
