import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/schema.js';

/**
 * The SQL a restore checks a backup with. A SQLite backup is read on a plain read-only
 * better-sqlite3 connection to the extracted file (it is not yet, and may never be, a
 * database MoatMetrics opens); the PostgreSQL side asks the configured database.
 */

/** SQLite's `PRAGMA integrity_check` lines; a sound file answers exactly `ok`. */
export function sqliteIntegrityProblems(connection: BetterSqlite3.Database): string[] {
  return (connection.pragma('integrity_check') as Array<{ integrity_check: string }>).map((row) => row.integrity_check);
}

export function listSqliteTables(connection: BetterSqlite3.Database): Set<string> {
  return new Set((connection.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((row) => row.name));
}

/** Migration names recorded in the file; call only when it has the kysely_migration table. */
export function listSqliteMigrations(connection: BetterSqlite3.Database): string[] {
  return (connection.prepare('SELECT name FROM kysely_migration').all() as Array<{ name: string }>).map((row) => row.name);
}

/** Migrations applied to a PostgreSQL database; none when it has never been migrated. */
export async function listAppliedMigrations(db: Kysely<DatabaseSchema>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(db).catch((error: { code?: string }) => {
    if (error.code === '42P01') return { rows: [] }; // undefined_table: an empty database
    throw error;
  });
  return rows.map((row) => row.name);
}
