import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MmError } from '../../src/errors.js';
import type { QueryPlanInput } from '../../src/metrics/query-plan.js';
import { runQueries, runQuery } from '../../src/metrics/run-query.js';
import { importEdgeCaseMsp } from '../support/edge-case-msp.js';
import { createTestContext, engines, type TestContext } from '../support/test-database.js';

const quarter = { from: '2025-01-01', to: '2025-03-31' };

for (const engine of engines) {
  describe(`runQueries (plans evaluated together) on ${engine}`, () => {
    let t: TestContext;
    before(async () => {
      t = await createTestContext(engine);
      await importEdgeCaseMsp(t);
    });
    after(async () => {
      await t.cleanup();
    });

    test('plans needing the same sums share one pass and each equals runQuery; an invalid plan gets its own error', async () => {
      const plans: QueryPlanInput[] = [
        { measures: ['revenue'], groupBy: ['client'], filters: quarter, sort: [{ by: 'revenue', direction: 'desc' }] },
        { measures: ['revenue'], groupBy: ['client'], filters: quarter, sort: [{ by: 'revenue', direction: 'desc' }], limit: 2 },
        {
          measures: ['invoice_count', 'outstanding'],
          groupBy: ['client'],
          filters: { ...quarter, thresholds: [{ measure: 'outstanding', op: '>', value: 0 }] },
        },
        { measures: ['hours'], groupBy: ['client'], filters: quarter },
        { measures: ['revenue'], groupBy: ['staff'], filters: quarter },
        { measures: ['gross_margin_pct'], groupBy: ['client'], filters: { clients: ['C1'], ...quarter } },
      ];
      const { results, sourcePasses } = await runQueries(t.database, t.config, plans, { useCache: false });
      // Invoices by client (plans 1–3), time logs by client (4), the three sources for C1 (6).
      assert.equal(sourcePasses, 3);
      assert.ok(results[4] instanceof MmError && results[4].code === 'MM_QUERY_INVALID');
      for (const i of [0, 1, 2, 3, 5]) assert.deepEqual(results[i], await runQuery(t.database, t.config, plans[i]!, { useCache: false }), `plan ${i}`);
      assert.deepEqual(
        (results[2] as { rows: Array<{ client?: string | null }> }).rows.map((r) => r.client),
        ['C1', 'C2'],
      );
    });
  });
}
