import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * A time entry of 0 hours is real (PSAs export logged calls and touched tickets that way),
 * so time_logs.hours_milli may now be 0: the check becomes `>= 0 and <= 24000`.
 *
 * PostgreSQL changes the check in place. SQLite cannot alter a check constraint, and its
 * schema table is read-only here (better-sqlite3 runs in defensive mode), so the table is
 * rebuilt as SQLite's documented ALTER TABLE procedure does: the table's own stored DDL with
 * the new check, the rows copied, the old table dropped, the new one renamed and the
 * indexes created again from their stored DDL, all in one transaction. Nothing references
 * time_logs, so no foreign key needs to be suspended.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await replaceHoursCheck(db, 'hours_milli > 0 and hours_milli <= 24000', 'hours_milli >= 0 and hours_milli <= 24000');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await replaceHoursCheck(db, 'hours_milli >= 0 and hours_milli <= 24000', 'hours_milli > 0 and hours_milli <= 24000');
}

async function replaceHoursCheck(db: Kysely<unknown>, from: string, to: string): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql.raw(`ALTER TABLE time_logs DROP CONSTRAINT time_logs_hours_milli_check, ADD CONSTRAINT time_logs_hours_milli_check CHECK (${to})`).execute(db);
    return;
  }
  await db.transaction().execute(async (trx) => {
    const table = await sql<{ sql: string }>`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'time_logs'`.execute(trx);
    const ddl = table.rows[0]?.sql ?? '';
    if (!ddl.includes(`check (${from})`)) throw new Error(`time_logs has no check (${from}) to replace`);
    const indexes = await sql<{ sql: string }>`
      SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'time_logs' AND sql IS NOT NULL`.execute(trx);
    const rebuilt = ddl.replace(/^CREATE TABLE "?time_logs"?/, 'CREATE TABLE "time_logs_rebuilt"').replace(`check (${from})`, `check (${to})`);
    await sql.raw(rebuilt).execute(trx);
    await sql`INSERT INTO time_logs_rebuilt SELECT * FROM time_logs`.execute(trx);
    await sql`DROP TABLE time_logs`.execute(trx);
    await sql`ALTER TABLE time_logs_rebuilt RENAME TO time_logs`.execute(trx);
    for (const index of indexes.rows) await sql.raw(index.sql).execute(trx);
  });
}
