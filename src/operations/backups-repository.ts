import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { DialectName } from '../storage/database.js';
import type { BackupTable, DatabaseSchema } from '../storage/schema.js';

/** A written backup as the CLI, the API and compliance checks see it. */
export interface BackupRecord {
  id: string;
  createdAt: string;
  createdBy: string;
  /** Absolute path of the file when it was written. */
  file: string;
  bytes: number;
  sha256: string;
  encrypted: boolean;
  engine: DialectName;
}

function presentBackup(row: BackupTable): BackupRecord {
  return {
    id: row.id,
    createdAt: row.created_at,
    createdBy: row.created_by,
    file: row.file,
    bytes: Number(row.bytes),
    sha256: row.sha256,
    encrypted: Number(row.encrypted) === 1,
    engine: row.engine,
  };
}

export async function recordBackup(db: Kysely<DatabaseSchema>, backup: BackupRecord): Promise<void> {
  await db
    .insertInto('backups')
    .values({
      id: backup.id,
      created_at: backup.createdAt,
      created_by: backup.createdBy,
      file: backup.file,
      bytes: backup.bytes,
      sha256: backup.sha256,
      encrypted: backup.encrypted ? 1 : 0,
      engine: backup.engine,
    })
    .execute();
}

/**
 * The most recent backup this database knows of, or null. After a restore that is the
 * latest backup recorded before the restored backup was taken: later ones were recorded in
 * the database the restore replaced.
 */
export async function latestBackup(db: Kysely<DatabaseSchema>): Promise<Pick<BackupRecord, 'createdAt' | 'encrypted' | 'file'> | null> {
  const row = await db.selectFrom('backups').selectAll().orderBy('created_at', 'desc').orderBy('id').limit(1).executeTakeFirst();
  if (!row) return null;
  const { createdAt, encrypted, file } = presentBackup(row);
  return { createdAt, encrypted, file };
}

export async function listBackups(db: Kysely<DatabaseSchema>, limit = 50): Promise<BackupRecord[]> {
  const rows = await db.selectFrom('backups').selectAll().orderBy('created_at', 'desc').limit(limit).execute();
  return rows.map(presentBackup);
}

/**
 * Copies the SQLite database open on `connection` into a new file `snapshot`: one read
 * transaction's snapshot, so writes committed meanwhile are wholly in it or wholly not.
 */
export function vacuumInto(connection: BetterSqlite3.Database, snapshot: string): void {
  connection.prepare('VACUUM INTO ?').run(snapshot);
}
