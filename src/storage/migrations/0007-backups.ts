import { sql, type Kysely } from 'kysely';

/**
 * One row per backup written by `moatmetrics backup` (operations/backup.ts), so that
 * "when was the last backup, and was it encrypted" can be answered from the database
 * itself. The row describes the file as written; it is not proof the file still exists.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('backups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    /** Absolute path of the backup file when it was written. */
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    /** SHA-256 of the whole file as written (header, payload, trailer). */
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('encrypted', 'integer', (c) => c.notNull())
    .addColumn('engine', 'text', (c) => c.notNull())
    .addCheckConstraint('backups_flags', sql`encrypted in (0, 1) and engine in ('sqlite', 'postgres')`)
    .execute();
  await db.schema.createIndex('backups_created_at').on('backups').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('backups').execute();
}
