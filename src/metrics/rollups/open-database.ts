import type { Config } from '../../config/schema.js';
import { connectDatabase, type Database } from '../../storage/database.js';
import { ensureRollups } from './maintain-rollups.js';

/**
 * Opens the configured database ready for use: schema migrated and the metric layer's rollups
 * built if this database has none yet (new install, or an older rollup format). Storage knows
 * nothing of rollups, so this lives here rather than in `storage/database.ts`.
 * `migrate: false` connects only (restore, which replaces the schema wholesale).
 */
export async function openDatabase(config: Config, options: { migrate?: boolean } = {}): Promise<Database> {
  const database = await connectDatabase(config, options);
  if (options.migrate === false) return database;
  try {
    await ensureRollups(database.kysely);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}
