import type { Insertable, Kysely } from 'kysely';
import type { DatabaseSchema, SecurityEventTable } from '../storage/schema.js';

/** One batch of queued security events, in one statement (and so one short write). */
export async function insertSecurityEvents(db: Kysely<DatabaseSchema>, rows: Array<Insertable<SecurityEventTable>>): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('security_events').values(rows).execute();
}
