import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Migrator } from 'kysely';
import { migrationProvider } from '../../src/storage/migrations/index.js';
import type { ImportTable } from '../../src/storage/schema.js';
import { createTestContext, engines, type TestContext } from '../support/test-database.js';

const importRow = (id: string, rejectsFile: string | null): ImportTable => ({
  id,
  dataset: 'time_logs',
  file_name: 'logs.csv',
  file_sha256: 'ab',
  file_bytes: 10,
  encoding: 'utf-8',
  delimiter: ',',
  mode: 'lenient',
  dry_run: 0,
  status: 'succeeded',
  version_number: null,
  rows_total: 3,
  rows_added: 1,
  rows_updated: 0,
  rows_unchanged: 0,
  rows_rejected: 2,
  error_count: 2,
  errors_json: '{}',
  message: 'm',
  created_by: 'tester',
  started_at: '2025-01-01T00:00:00Z',
  finished_at: '2025-01-01T00:00:01Z',
  rejects_file: rejectsFile,
});

for (const engine of engines) {
  describe(`migration 0012 (rejects files relative to the data directory) on ${engine}`, () => {
    let t: TestContext;
    before(async () => {
      t = await createTestContext(engine);
      const migrator = new Migrator({ db: t.database.kysely, provider: migrationProvider });
      // Back to the schema before it, with the absolute paths an existing installation stored.
      assert.equal((await migrator.migrateTo('0011-zero-hour-time-logs')).error, undefined);
      await t.database.kysely
        .insertInto('imports')
        .values([importRow('imp-1', '/srv/old-place/data/imports/imp-1/rejected.csv'), importRow('imp-2', null)])
        .execute();
      assert.equal((await migrator.migrateToLatest()).error, undefined);
    });
    after(async () => {
      await t.cleanup();
    });

    test('an absolute path becomes the path inside the data directory; an import without rejects keeps none', async () => {
      const rows = await t.database.kysely.selectFrom('imports').select(['id', 'rejects_file']).orderBy('id').execute();
      assert.deepEqual(rows, [
        { id: 'imp-1', rejects_file: 'imports/imp-1/rejected.csv' },
        { id: 'imp-2', rejects_file: null },
      ]);
    });
  });
}
