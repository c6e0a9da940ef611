import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runAnalysis } from '../../src/analytics/run-analysis.js';
import { loadPolicy } from '../../src/governance/policy.js';
import { decideReview } from '../../src/governance/review-policy.js';
import { confirmClientName } from '../../src/ingest/client-aliases.js';
import { importFile } from '../../src/ingest/import-file.js';
import { createTestContext, engines, type TestContext } from '../support/test-database.js';

const { review } = loadPolicy(null).policy;
const quarter = { from: '2025-01-01', to: '2025-03-31' };
const reason = "1 client name matched automatically, not yet confirmed ('ACME Corporation'): confirm with `moatmetrics clients confirm`";

test('the review policy sends a result resting on unconfirmed client names to review, however confident', () => {
  const decision = decideReview({ confidence: 0.99, unconfirmedClientNames: ['ACME Corporation'] }, review);
  assert.deepEqual(decision, { status: 'pending_review', reasons: [reason] });
  assert.equal(decideReview({ confidence: 0.99, unconfirmedClientNames: [] }, review).status, 'auto_approved');
  assert.equal(
    decideReview({ confidence: 0.99, unconfirmedClientNames: ['A'] }, { ...review, always_review_unconfirmed_client_names: false }).status,
    'auto_approved',
  );
});

for (const engine of engines) {
  describe(`unconfirmed client names keep results from being final, on ${engine}`, () => {
    let t: TestContext;
    const load = async (dataset: string, content: string) => {
      const report = await importFile(t.database, t.config, { dataset, file: t.file(`${dataset}.csv`, content), actor: 'ana' });
      assert.equal(report.status, 'succeeded', report.message);
    };
    before(async () => {
      t = await createTestContext(engine);
      await load('clients', 'client_id,client_name,industry\nacme,Acme Corp.,Retail\nbeta,Beta Legal,Legal\n');
      await load('staff', 'staff_name,cost_rate\nAnn Lee,40\n');
      await load(
        'time_logs',
        'log_id,client_id,staff_name,date,hours,rate,billable\nT1,acme,Ann Lee,2025-01-10,2,100,true\nT2,beta,Ann Lee,2025-01-11,2,100,true\n',
      );
      // Xero names Acme its own way: matched automatically, not yet confirmed.
      await load('invoices', 'invoice_id,client_name,invoice_date,amount,status\nI1,ACME Corporation,2025-01-31,900,paid\nI2,Beta Legal,2025-01-31,900,paid\n');
    });
    after(async () => {
      await t.cleanup();
    });

    test('pending review with the reason until the match is confirmed; then a new run drops it', async () => {
      const before = await runAnalysis(t.database, t.config, { filters: quarter, actor: 'tester', review });
      const acme = before.clients.find((c) => c.clientId === 'acme')!;
      const beta = before.clients.find((c) => c.clientId === 'beta')!;
      assert.equal(acme.review.status, 'pending_review');
      assert.ok(acme.review.reasons.includes(reason), acme.review.reasons.join('; '));
      assert.ok(!beta.review.reasons.some((r) => r.includes('matched automatically')), beta.review.reasons.join('; '));
      assert.ok(before.overview.review.reasons.includes(reason), before.overview.review.reasons.join('; '));
      const stored = await t.database.kysely
        .selectFrom('analytics_results')
        .select(['review_status', 'review_reasons_json'])
        .where('id', '=', acme.review.resultId)
        .executeTakeFirstOrThrow();
      assert.equal(stored.review_status, 'pending_review');
      assert.ok((JSON.parse(stored.review_reasons_json) as string[]).includes(reason));

      await confirmClientName(t.database.kysely, { name: 'ACME Corporation', actor: 'ana' });
      const after = await runAnalysis(t.database, t.config, { filters: quarter, actor: 'tester', review });
      assert.equal(after.cached, false);
      assert.notEqual(after.runId, before.runId);
      const confirmed = after.clients.find((c) => c.clientId === 'acme')!;
      assert.ok(!confirmed.review.reasons.some((r) => r.includes('matched automatically')), confirmed.review.reasons.join('; '));
      assert.ok(!after.overview.review.reasons.some((r) => r.includes('matched automatically')));
    });
  });
}
