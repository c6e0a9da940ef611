import type { Kysely } from 'kysely';
import type { DatabaseSchema, UserTable } from '../storage/schema.js';

/**
 * The SQL of logging in. Concurrent attempts on one account must not lose a failure (twenty
 * parallel wrong passwords once counted as two), so every change is one conditional UPDATE
 * that computes from the row as it is now, never from a value read earlier.
 */

export async function findLoginUser(db: Kysely<DatabaseSchema>, username: string): Promise<UserTable | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

/**
 * Adds one failed login to `username`'s count unless the account is locked; the new count,
 * or null when no such account exists or it is locked. Run for unknown names too, so a
 * wrong name costs the same queries as a locked account.
 */
export async function countFailedLogin(db: Kysely<DatabaseSchema>, username: string, now: string): Promise<number | null> {
  const row = await db
    .updateTable('users')
    .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
    .where('username', '=', username)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .returning('failed_logins')
    .executeTakeFirst();
  return row ? Number(row.failed_logins) : null;
}

/** Locks the account until `until` and starts its count afresh; false when it was already locked. */
export async function lockAccount(db: Kysely<DatabaseSchema>, userId: string, until: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ locked_until: until, failed_logins: 0 })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Records a successful login, unless a concurrent failure locked the account meanwhile (then false). */
export async function recordLoginSuccess(db: Kysely<DatabaseSchema>, userId: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ failed_logins: 0, locked_until: null, last_login_at: now })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
