import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * The audit trail (DESIGN section 7): append-only and hash-chained. Each event's hash covers
 * its own fields and the previous event's hash (governance/audit-log.ts), so an edited,
 * deleted or reordered event breaks the chain at that point. On top of that the database
 * itself refuses UPDATE and DELETE on the table: a trigger on both engines, so even the
 * application's own database user cannot rewrite history through SQL.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_events')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('success', 'failure', 'denied')`))
    .addColumn('details_json', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_events_time').on('audit_events').column('occurred_at').execute();
  await db.schema.createIndex('audit_events_action').on('audit_events').columns(['action', 'seq']).execute();

  const dialect = await engineOf(db);
  if (dialect === 'postgres') {
    await sql`CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP; END $$`.execute(db);
    await sql`CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`.execute(
      db,
    );
    await sql`CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`.execute(
      db,
    );
  } else {
    await sql`CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused'); END`.execute(
      db,
    );
    await sql`CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused'); END`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_events').execute();
  if ((await engineOf(db)) === 'postgres') await sql`DROP FUNCTION IF EXISTS audit_events_append_only()`.execute(db);
}

async function engineOf(db: Kysely<unknown>): Promise<'postgres' | 'sqlite'> {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}
