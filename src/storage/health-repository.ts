import { sql, type Kysely } from 'kysely';
import type { DatabaseSchema } from './schema.js';

/** A round trip to the database: `select 1`. Throws when the database cannot answer. */
export async function pingDatabase(db: Kysely<DatabaseSchema>): Promise<void> {
  await sql`select 1`.execute(db);
}
