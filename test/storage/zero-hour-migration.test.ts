import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Migrator, sql } from 'kysely';
import { migrationProvider } from '../../src/storage/migrations/index.js';
import { createTestContext, engines, snapshotTable, type TestContext } from '../support/test-database.js';

const timeLog = (logId: string, hoursMilli: number) => ({
  log_id: logId,
  client_id: 'C1',
  staff_key: 'ann',
  staff_name: 'Ann',
  work_date: '2025-01-02',
  hours_milli: hoursMilli,
  rate_cents: null,
  billable: 1,
  ticket: null,
  work_type: null,
  notes: null,
  version_number: 1,
  source_line: 2,
});

for (const engine of engines) {
  describe(`migration 0010 (0-hour time logs) on ${engine}`, () => {
    let t: TestContext;
    let migrator: Migrator;
    before(async () => {
      t = await createTestContext(engine);
      migrator = new Migrator({ db: t.database.kysely, provider: migrationProvider });
      // Back to the schema before it, with data in it, as an existing installation has.
      const down = await migrator.migrateTo('0009-reviews-and-security-events');
      assert.equal(down.error, undefined);
      await t.database.kysely
        .insertInto('clients')
        .values({
          client_id: 'C1',
          client_name: 'Acme',
          client_name_key: 'acme',
          industry: null,
          status: 'active',
          contract_value_cents: null,
          onboarded_on: null,
          churned_on: null,
          version_number: 1,
          source_line: 2,
        })
        .execute();
      await t.database.kysely
        .insertInto('time_logs')
        .values([timeLog('T1', 1500), timeLog('T2', 24_000)])
        .execute();
    });
    after(async () => {
      await t.cleanup();
    });

    test('before it, a 0-hour row is refused by the check', async () => {
      await assert.rejects(t.database.kysely.insertInto('time_logs').values(timeLog('T0', 0)).execute(), /check/i);
    });

    test('it keeps every row and index, allows 0 hours and still refuses negative or more than 24', async () => {
      const before = await snapshotTable(t.database, 'time_logs', 'log_id');
      const up = await migrator.migrateToLatest();
      assert.equal(up.error, undefined);
      assert.deepEqual(await snapshotTable(t.database, 'time_logs', 'log_id'), before);
      await t.database.kysely.insertInto('time_logs').values(timeLog('T0', 0)).execute();
      await assert.rejects(t.database.kysely.insertInto('time_logs').values(timeLog('TN', -1)).execute(), /check/i);
      await assert.rejects(t.database.kysely.insertInto('time_logs').values(timeLog('TX', 24_001)).execute(), /check/i);
      // The client reference is still enforced.
      const orphan = { ...timeLog('TC', 1), client_id: 'nobody' };
      await assert.rejects(t.database.kysely.insertInto('time_logs').values(orphan).execute(), /foreign key/i);
      const listIndexes =
        engine === 'sqlite'
          ? sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'time_logs' AND sql IS NOT NULL`
          : sql<{ name: string }>`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'time_logs' AND indexname <> 'time_logs_pkey'`;
      const indexes = (await listIndexes.execute(t.database.kysely)).rows;
      assert.deepEqual(
        indexes.map((i) => i.name),
        ['time_logs_client_date_covering'],
      );
    });
  });
}
