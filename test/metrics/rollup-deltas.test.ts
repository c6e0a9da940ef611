import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { importFile, type ImportFileOptions } from '../../src/ingest/import-file.js';
import { rebuildRollups, runOn } from '../../src/metrics/rollups/maintain-rollups.js';
import { rollbackToVersion } from '../../src/ingest/rollback-version.js';
import { createTestContext, engines, type TestContext } from '../support/test-database.js';

/**
 * Imports add their rows to the monthly rollups as deltas (and sum again only the groups an
 * updated row left). Whatever the sequence of imports, the rollup tables must hold exactly
 * what rebuilding them from the rows gives: every sum, count, first/last date and staff name.
 */

type Rollups = Record<string, unknown[]>;

async function rollupTables(t: TestContext): Promise<Rollups> {
  const db = t.database.kysely;
  return {
    time_client_month: await db.selectFrom('rollup_time_client_month').selectAll().orderBy('client_id').orderBy('month').execute(),
    time_staff_month: await db.selectFrom('rollup_time_staff_month').selectAll().orderBy('staff_key').orderBy('month').execute(),
    staff_name: await db.selectFrom('rollup_staff_name').selectAll().orderBy('staff_key').execute(),
    invoice_client_month: await db.selectFrom('rollup_invoice_client_month').selectAll().orderBy('client_id').orderBy('month').execute(),
  };
}

/** Compares the maintained rollups with a rebuild from the rows (which then stays: it is equal). */
async function assertRollupsExact(t: TestContext, state: string): Promise<Rollups> {
  const maintained = await rollupTables(t);
  await t.database.kysely.transaction().execute(async (trx) => rebuildRollups(trx, runOn(trx)));
  const rebuilt = await rollupTables(t);
  assert.deepEqual(maintained, rebuilt, `${state}: the maintained rollups differ from a rebuild`);
  return maintained;
}

async function load(t: TestContext, dataset: string, lines: string[], options: Partial<ImportFileOptions> = {}) {
  const file = t.file(`${dataset}-${Math.random().toString(36).slice(2)}.csv`, `${lines.join('\n')}\n`);
  return importFile(t.database, t.config, { dataset, file, ...options });
}

async function indexNames(t: TestContext, table: string): Promise<string[]> {
  const query =
    t.engine === 'sqlite'
      ? sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ${table} ORDER BY name`
      : sql<{ name: string }>`SELECT indexname AS name FROM pg_indexes WHERE tablename = ${table} ORDER BY indexname`;
  return (await query.execute(t.database.kysely)).rows.map((r) => r.name);
}

const timeLogHeader = 'log_id,client_id,staff_name,date,hours,billable';

for (const engine of engines) {
  describe(`rollups maintained as deltas on ${engine}`, () => {
    let t: TestContext;
    let timeLogIndexes: string[];
    before(async () => {
      t = await createTestContext(engine);
      timeLogIndexes = await indexNames(t, 'time_logs');
      const clients = await load(t, 'clients', ['client_id,client_name', 'C1,Acme', 'C2,Beta', 'C3,Cobalt', 'C4,Delta']);
      assert.equal(clients.status, 'succeeded', clients.message);
      // Ann has a cost rate, Bob none, Cy is missing from the staff list: both costed at the default.
      const staff = await load(t, 'staff', ['staff_name,cost_rate,weekly_capacity_hours', 'Ann,50.00,40', 'Bob,,20', 'Dee,61.37,30']);
      assert.equal(staff.status, 'succeeded', staff.message);
    });
    after(async () => {
      await t?.cleanup();
    });

    test('a refused first load and a dry run leave the rollups and the indexes as they were', async () => {
      const strict = await load(t, 'time_logs', [timeLogHeader, 'T1,C1,Ann,2025-01-10,10,true', 'T2,C9,Ann,2025-01-11,1,true']);
      assert.equal(strict.status, 'failed');
      const dry = await load(t, 'time_logs', [timeLogHeader, 'T1,C1,Ann,2025-01-10,10,true'], { dryRun: true });
      assert.equal(dry.status, 'validated');
      assert.deepEqual(await rollupTables(t), { time_client_month: [], time_staff_month: [], staff_name: [], invoice_client_month: [] });
      assert.deepEqual(await indexNames(t, 'time_logs'), timeLogIndexes);
    });

    test('a first load, with duplicates, rows without ids, zero and long entries, is summed exactly', async () => {
      const report = await load(
        t,
        'time_logs',
        [
          timeLogHeader,
          'T1,C1,Ann,2025-01-10,10,true',
          'T2,C1,ann,2025-01-20,4,false', // same staff key as Ann; the greater name is the one shown
          'T3,C2,Bob,2025-02-03,0,true', // a zero-hour entry
          'T4,C2,Cy,2025-02-28,13,true', // longer than 12 hours; Cy has no staff record
          'T5,C3,Dee,2025-03-31,7.5,false',
          'T6,C3,Dee,2025-03-01,2,yes',
          'T7,C1,Ann,2025-02-14,1,true',
          'T7,C2,Ann,2025-02-15,1,true', // duplicate id: rejected
          ',C4,Bob,2025-04-01,1.25,true', // no id: derived from the content, twice
          ',C4,Bob,2025-04-01,1.25,true',
        ],
        { mode: 'lenient' },
      );
      assert.equal(report.status, 'succeeded', report.message);
      assert.deepEqual(report.rows, { total: 10, added: 9, updated: 0, unchanged: 0, rejected: 1 });
      const rollups = await assertRollupsExact(t, 'first load');
      assert.equal(rollups.time_client_month!.length, 5);
      assert.deepEqual(await indexNames(t, 'time_logs'), timeLogIndexes, 'the indexes set aside for the load are back');
    });

    test('updates that move rows between clients, months and staff, and drop the greatest name, stay exact', async () => {
      const report = await load(t, 'time_logs', [
        timeLogHeader,
        'T1,C2,Ann,2025-03-05,10,true', // moves client and month
        'T2,C1,Ann,2025-01-20,4,false', // 'ann' was the greatest name of its key and is gone
        'T4,C2,Bob,2025-02-28,13,true', // Cy's only entry moves to Bob
        'T5,C3,Dee,2025-03-31,7.5,false', // unchanged
        'T8,C4,Dee,2025-05-02,3,true', // new
      ]);
      assert.equal(report.status, 'succeeded', report.message);
      assert.deepEqual([report.rows.added, report.rows.updated, report.rows.unchanged], [1, 3, 1]);
      const rollups = await assertRollupsExact(t, 'after updates');
      assert.deepEqual(
        rollups.staff_name!.map((r) => (r as { staff_name: string }).staff_name),
        ['Ann', 'Bob', 'Dee'],
        'each staff key shows the greatest name its rows still carry',
      );
    });

    test('invoices: credit notes, void and draft, then moved and re-statused, stay exact', async () => {
      const header = 'invoice_id,client_id,invoice_date,total_amount,status';
      const first = await load(t, 'invoices', [
        header,
        'I1,C1,2025-01-31,1000.00,paid',
        'I2,C1,2025-02-28,1000.00,pending',
        'I3,C1,2025-03-15,-200.00,paid',
        'I4,C1,2025-03-31,500.00,void',
        'I5,C2,2025-01-31,300.00,overdue',
        'I6,C2,2025-02-10,700.00,draft',
      ]);
      assert.equal(first.status, 'succeeded', first.message);
      await assertRollupsExact(t, 'invoices first load');
      const second = await load(t, 'invoices', [header, 'I1,C3,2025-04-01,1000.00,paid', 'I2,C1,2025-02-28,1000.00,void', 'I7,C4,2025-02-15,400.00,paid']);
      assert.deepEqual([second.rows.added, second.rows.updated], [1, 2]);
      await assertRollupsExact(t, 'invoices updated');
    });

    test('a staff rate change and a rollback stay exact', async () => {
      const staff = await load(t, 'staff', ['staff_name,cost_rate,weekly_capacity_hours', 'Bob,42.10,20']);
      assert.equal(staff.status, 'succeeded', staff.message);
      await assertRollupsExact(t, 'after a rate change');
      const more = await load(t, 'time_logs', [timeLogHeader, 'T9,C1,Bob,2025-06-30,2,true']);
      assert.equal(more.status, 'succeeded', more.message);
      await assertRollupsExact(t, 'after more time logs at the new rate');
      await rollbackToVersion(t.database.kysely, 3, 'test');
      await assertRollupsExact(t, 'after rolling back to the first load');
    });
  });
}
