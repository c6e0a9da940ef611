import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runAnalysis } from '../../src/analytics/run-analysis.js';
import { loadPolicy } from '../../src/governance/policy.js';
import { importFile } from '../../src/ingest/import-file.js';
import { importEdgeCaseMsp } from '../support/edge-case-msp.js';
import { createTestContext, engines, type TestContext } from '../support/test-database.js';

const quarter = { from: '2025-01-01', to: '2025-03-31' };
const { review } = loadPolicy(null).policy;

for (const engine of engines) {
  describe(`analysis runs on ${engine}`, () => {
    let t: TestContext;
    before(async () => {
      t = await createTestContext(engine);
      await importEdgeCaseMsp(t);
    });
    after(async () => {
      await t.cleanup();
    });

    test('every client carries confidence, an explanation and an exact attribution; the policy routes reviews', async () => {
      const doc = await runAnalysis(t.database, t.config, { filters: quarter, actor: 'tester', review });
      assert.equal(doc.cached, false);
      assert.equal(doc.version, 5);
      const beta = doc.clients.find((c) => c.clientName === 'Beta')!;
      assert.equal(beta.review.status, 'pending_review');
      assert.ok(beta.review.reasons.includes('negative margin (-65.00 %)'), beta.review.reasons.join('; '));
      // Tiny fixture: one invoice, two time logs, 92 % of hours at the default rate → confidence near 0, listed reasons.
      assert.ok(beta.confidence.value < 0.3, String(beta.confidence.value));
      assert.ok(beta.review.reasons.some((r) => r.startsWith('confidence ')));
      assert.equal(
        beta.confidence.factors.find((f) => f.name === 'cost_rate_coverage')!.detail,
        '8 % of hours have a staff cost rate (92 % used the default 45.00/h)',
      );
      assert.ok(beta.confidence.factors.length > 0);
      assert.match(
        beta.explanation[0]!,
        /^Gross margin = \(revenue − labor cost − license cost\) \/ revenue, for Beta from 2025-01-01 to 2025-03-31 \(dataset version 5\)/,
      );
      // Baseline = median of the paying clients (Acme 1800/780/690, Beta 300/295/200, Delta 400/0/0): 400 / 295 / 200.
      assert.deepEqual(beta.baseline, { label: 'portfolio median client', revenue: 400, labor_cost: 295, license_cost: 200 });
      const attribution = beta.attribution;
      assert.ok(attribution.contributions, 'margin defined on both sides');
      const sum = Object.values(attribution.contributions).reduce((s, v) => s + v, 0);
      assert.ok(Math.abs(sum - (attribution.value - attribution.baselineValue)) < 1e-9);
      assert.ok(Math.abs(attribution.value - -65) < 1e-9);
      assert.ok(Math.abs(attribution.baselineValue - -23.75) < 1e-9, String(attribution.baselineValue)); // (400 − 295 − 200) / 400
      const cobalt = doc.clients.find((c) => c.clientName === 'Cobalt')!;
      assert.equal(cobalt.attribution.contributions, null);
      const zoom = doc.licenses.positions.find((p) => p.product === 'Zoom Pro')!;
      assert.equal(zoom.review.status, 'pending_review');
      assert.deepEqual(zoom.review.reasons, ['1 over-assigned seat']);
      const stored = await t.database.kysely.selectFrom('analytics_results').select(['kind', 'review_status']).where('run_id', '=', doc.runId).execute();
      assert.equal(stored.length, doc.clients.length + doc.licenses.positions.length + 1);
      assert.equal(doc.pendingReviews, stored.filter((r) => r.review_status === 'pending_review').length);
    });

    test('the same plan on the same version is served from the store; new data recomputes', async () => {
      const first = await runAnalysis(t.database, t.config, { filters: quarter, actor: 'tester', review });
      const again = await runAnalysis(t.database, t.config, { filters: quarter, actor: 'tester', review });
      assert.equal(again.cached, true);
      assert.equal(again.runId, first.runId);
      assert.deepEqual(
        again.clients.map((c) => c.grossProfit),
        first.clients.map((c) => c.grossProfit),
      );
      await t.database.kysely
        .updateTable('analytics_results')
        .set({ review_status: 'approved' })
        .where('run_id', '=', first.runId)
        .where('kind', '=', 'license')
        .execute();
      const reviewed = await runAnalysis(t.database, t.config, { filters: quarter, actor: 'tester', review });
      assert.equal(reviewed.licenses.positions.find((p) => p.product === 'Zoom Pro')!.review.status, 'approved');
      const report = await importFile(t.database, t.config, {
        dataset: 'invoices',
        file: t.file('more.csv', 'invoice_id,client_id,invoice_date,total_amount,status\nI8,C2,2025-03-20,1000.00,paid\n'),
      });
      assert.equal(report.version, 6);
      const fresh = await runAnalysis(t.database, t.config, { filters: quarter, actor: 'tester', review });
      assert.equal(fresh.cached, false);
      assert.equal(fresh.version, 6);
      assert.equal(fresh.clients.find((c) => c.clientName === 'Beta')!.revenue, 1300);
    });

    test('"data is recent" compares the newest data with today (an injected clock), not with the newest data itself', async () => {
      const recency = (doc: Awaited<ReturnType<typeof runAnalysis>>) =>
        doc.clients.find((c) => c.clientName === 'Acme')!.confidence.factors.find((f) => f.name === 'recency')!;
      // The default period ends on the newest data date; the data ends in March 2025.
      const soon = await runAnalysis(t.database, t.config, { actor: 'tester', review, clock: () => new Date('2025-04-10T12:00:00Z') });
      assert.equal(recency(soon).score, 1);
      assert.match(recency(soon).detail, /^The latest invoice or time log is 10 days before the as-of date$/);
      // A year later the same data is stale. (Another plan: the first run is stored per plan and version.)
      const late = await runAnalysis(t.database, t.config, {
        filters: { from: '2025-01-01' },
        actor: 'tester',
        review,
        clock: () => new Date('2026-03-31T12:00:00Z'),
      });
      assert.match(recency(late).detail, /^The latest invoice or time log is 365 days before the as-of date; data older than/);
      assert.ok(recency(late).score < 0.5, String(recency(late).score));
    });

    test('time entries over 12 hours lower the outlier factor of their client only', async () => {
      const file = t.file(
        'long.csv',
        'log_id,client_id,staff_name,date,hours,billable\nT20,C4,Ann,2025-02-12,14,true\nT21,C4,Ann,2025-02-13,2,true\nT22,C4,Ann,2025-02-14,12,true\n',
      );
      assert.equal((await importFile(t.database, t.config, { dataset: 'time_logs', file })).status, 'succeeded');
      const doc = await runAnalysis(t.database, t.config, { filters: quarter, actor: 'tester', review });
      const outliers = (name: string) => doc.clients.find((c) => c.clientName === name)!.confidence.factors.find((f) => f.name === 'outliers')!;
      // Delta: 1 of 3 entries is over 12 h (exactly 12 is not) → score 1 − 2 × 1/3, shown to 3 decimals.
      assert.equal(outliers('Delta').score, 0.333);
      assert.equal(outliers('Delta').detail, '33 % of rows are time entries over 12 hours (a timer left running, or days booked as one entry)');
      assert.equal(outliers('Acme').score, 1);
    });
  });
}
