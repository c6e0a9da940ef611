import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Migrator } from 'kysely';
import { migrateToLatest } from '../../src/storage/database.js';
import { migrationProvider } from '../../src/storage/migrations/index.js';
import { createTestContext, engines, type TestContext } from '../support/test-database.js';

/**
 * Migration 0010 stores the client of every analytics result as its own column, and fills it
 * for results stored before it from what runAnalysis kept: the subject of a profitability
 * result, the run's payload for a license result (whose subject `client:vendor:product` cannot
 * be split when the client id holds a ':'). What the payload does not account for stays null.
 */
for (const engine of engines) {
  describe(`migration 0010 (result client ids) on ${engine}`, () => {
    let t: TestContext;
    before(async () => {
      t = await createTestContext(engine);
      const migrator = new Migrator({ db: t.database.kysely, provider: migrationProvider });
      const down = await migrator.migrateTo('0009-reviews-and-security-events');
      assert.equal(down.error, undefined);
      const db = t.database.kysely;
      const payload = {
        licenses: {
          positions: [
            { clientId: 'C0001', product: 'M365', review: { resultId: 'r-main-license' } },
            { clientId: 'C0001:sub', product: 'M365', review: { resultId: 'r-sub-license' } },
          ],
        },
      };
      const run = (id: string, payloadJson: string) => ({
        id,
        kind: 'full',
        plan_hash: `hash-${id}`,
        plan_json: '{}',
        dataset_version: 1,
        period_from: '2025-01-01',
        period_to: '2025-01-31',
        payload_json: payloadJson,
        created_by: 'test',
        created_at: '2025-02-01T00:00:00.000Z',
      });
      await db
        .insertInto('analytics_runs')
        .values([run('run-1', JSON.stringify(payload)), run('run-damaged', '{not json')])
        .execute();
      const result = (id: string, runId: string, kind: string, subject: string) => ({
        id,
        run_id: runId,
        kind,
        subject,
        subject_label: subject,
        metric: 'm',
        value: 1,
        confidence: 1,
        review_status: 'pending_review' as const,
        review_reasons_json: '[]',
        dataset_version: 1,
        detail_json: '{}',
        created_at: '2025-02-01T00:00:00.000Z',
      });
      await db
        .insertInto('analytics_results')
        .values([
          result('r-main-license', 'run-1', 'license', 'C0001:Microsoft:M365'),
          result('r-sub-license', 'run-1', 'license', 'C0001:sub:Microsoft:M365'),
          result('r-sub-profit', 'run-1', 'profitability', 'C0001:sub'),
          result('r-portfolio', 'run-1', 'overview', 'portfolio'),
          result('r-unaccounted', 'run-1', 'license', 'C0002:Zoom:Pro'),
          result('r-damaged-run', 'run-damaged', 'license', 'C0003:Zoom:Pro'),
        ])
        .execute();
      await migrateToLatest(t.database);
    });
    after(async () => {
      await t.cleanup();
    });

    test('every stored result gets the client it is about, never one read out of its subject', async () => {
      const rows = await t.database.kysely.selectFrom('analytics_results').select(['id', 'client_id']).orderBy('id').execute();
      assert.deepEqual(
        rows.map((r) => [r.id, r.client_id]),
        [
          ['r-damaged-run', null],
          ['r-main-license', 'C0001'],
          ['r-portfolio', null],
          ['r-sub-license', 'C0001:sub'],
          ['r-sub-profit', 'C0001:sub'],
          ['r-unaccounted', null],
        ],
      );
    });
  });
}
