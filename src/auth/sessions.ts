import { noteSessionExpired, noteSessionSeen } from './last-use-repository.js';
import type { Kysely } from 'kysely';
import type { Policy } from '../governance/policy.js';
import type { DatabaseSchema, UserTable } from '../storage/schema.js';
import { newSecret, secretHash } from './secrets.js';
import { deleteSession, findSessionUser, insertSession } from './sessions-repository.js';

/** Name of the browser session cookie. */
export const SESSION_COOKIE = 'mm_session';

/** Starts a browser session; returns the secret for the cookie (stored only hashed). */
export async function createSession(
  db: Kysely<DatabaseSchema>,
  policy: Policy,
  userId: string,
  now = new Date(),
): Promise<{ secret: string; expiresAt: string }> {
  const secret = newSecret();
  const expiresAt = new Date(now.getTime() + policy.sessions.absolute_hours * 3_600_000).toISOString();
  await insertSession(db, {
    id_hash: secretHash(secret),
    user_id: userId,
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    expires_at: expiresAt,
  });
  return { secret, expiresAt };
}

/**
 * The user behind a session cookie, or null when the session is unknown, idle longer than
 * `sessions.idle_minutes`, past `sessions.absolute_hours`, or its user is disabled. A live
 * session's idle clock restarts (written at most once a minute).
 */
export async function resolveSession(
  db: Kysely<DatabaseSchema>,
  policy: Policy,
  secret: string,
  now = new Date(),
): Promise<{ user: UserTable; sessionHash: string } | null> {
  const idHash = secretHash(secret);
  const row = await findSessionUser(db, idHash);
  if (!row) return null;
  const idleLimit = new Date(now.getTime() - policy.sessions.idle_minutes * 60_000).toISOString();
  if (row.session_expires <= now.toISOString() || row.session_last_seen < idleLimit || row.disabled === 1) {
    noteSessionExpired(db, idHash);
    return null;
  }
  if (now.getTime() - Date.parse(row.session_last_seen) > 60_000) noteSessionSeen(db, idHash, now);
  const { session_last_seen: _seen, session_expires: _expires, ...user } = row;
  return { user, sessionHash: idHash };
}

export async function endSession(db: Kysely<DatabaseSchema>, secret: string): Promise<void> {
  await deleteSession(db, secretHash(secret));
}
