import { sql, type Kysely } from 'kysely';

/**
 * `imports.rejects_file` held the absolute path of the rejects file, so a data directory
 * that was moved, restored elsewhere or mounted at another path pointed at files that are
 * not there. From now on it holds the path relative to the data directory, with `/`
 * separators (`imports/<id>/rejected.csv`), and readers resolve it against the data
 * directory in use.
 *
 * The importer only ever wrote `<data dir>/imports/<id>/rejected.csv`, so every stored
 * path becomes that relative path, whatever data directory it was absolute to.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`UPDATE imports SET rejects_file = 'imports/' || id || '/rejected.csv' WHERE rejects_file IS NOT NULL`.execute(db);
}

/** Back to absolute paths needs the data directory, which a migration does not know: left relative. */
export async function down(): Promise<void> {}
