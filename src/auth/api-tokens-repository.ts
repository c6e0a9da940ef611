import type { Kysely } from 'kysely';
import type { ApiTokenTable, DatabaseSchema, UserTable } from '../storage/schema.js';

/** The SQL of API tokens; a token is found by the hash of its whole text, never stored in clear. */

export async function insertApiToken(db: Kysely<DatabaseSchema>, row: ApiTokenTable): Promise<void> {
  await db.insertInto('api_tokens').values(row).execute();
}

/** The token's user with the token's state, in one query. */
export async function findTokenUser(
  db: Kysely<DatabaseSchema>,
  tokenHash: string,
): Promise<(UserTable & { token_id: string; token_expires: string; token_revoked: string | null; token_used: string | null }) | undefined> {
  return db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .selectAll('u')
    .select(['t.id as token_id', 't.expires_at as token_expires', 't.revoked_at as token_revoked', 't.last_used_at as token_used'])
    .where('t.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export type ApiTokenListRow = Pick<ApiTokenTable, 'id' | 'name' | 'created_at' | 'expires_at' | 'revoked_at' | 'last_used_at'> & { username: string };

/** Tokens oldest first, of one user or (null) of everyone. */
export async function listApiTokenRows(db: Kysely<DatabaseSchema>, userId: string | null): Promise<ApiTokenListRow[]> {
  let query = db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(['t.id', 'u.username', 't.name', 't.created_at', 't.expires_at', 't.revoked_at', 't.last_used_at'])
    .orderBy('t.created_at');
  if (userId) query = query.where('t.user_id', '=', userId);
  return query.execute();
}

/** The token `id`, only among `ownerId`'s tokens when given. */
export async function findApiToken(
  db: Kysely<DatabaseSchema>,
  id: string,
  ownerId: string | null,
): Promise<Pick<ApiTokenTable, 'id' | 'user_id' | 'revoked_at'> | undefined> {
  let query = db.selectFrom('api_tokens').select(['id', 'user_id', 'revoked_at']).where('id', '=', id);
  if (ownerId) query = query.where('user_id', '=', ownerId);
  return query.executeTakeFirst();
}

export async function markApiTokenRevoked(db: Kysely<DatabaseSchema>, id: string, revoked: { at: string; by: string }): Promise<void> {
  await db.updateTable('api_tokens').set({ revoked_at: revoked.at, revoked_by: revoked.by }).where('id', '=', id).execute();
}

/** Revokes every token of a user not yet revoked; how many it revoked. */
export async function revokeApiTokensOfUser(db: Kysely<DatabaseSchema>, userId: string, revoked: { at: string; by: string }): Promise<number> {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: revoked.at, revoked_by: revoked.by })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
