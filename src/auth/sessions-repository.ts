import type { Kysely } from 'kysely';
import type { DatabaseSchema, SessionTable, UserTable } from '../storage/schema.js';

/** The SQL of browser sessions; a session is found and ended by the hash of its secret. */

export async function insertSession(db: Kysely<DatabaseSchema>, row: SessionTable): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

/** The session's user with the session's two clocks, in one query. */
export async function findSessionUser(
  db: Kysely<DatabaseSchema>,
  idHash: string,
): Promise<(UserTable & { session_last_seen: string; session_expires: string }) | undefined> {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .selectAll('u')
    .select(['s.last_seen_at as session_last_seen', 's.expires_at as session_expires'])
    .where('s.id_hash', '=', idHash)
    .executeTakeFirst();
}

export async function deleteSession(db: Kysely<DatabaseSchema>, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

/** Ends every session of a user, except the one whose hash is `keepHash` (the caller's own). */
export async function deleteSessionsOfUser(db: Kysely<DatabaseSchema>, userId: string, keepHash?: string): Promise<void> {
  let sessions = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (keepHash) sessions = sessions.where('id_hash', '<>', keepHash);
  await sessions.execute();
}
