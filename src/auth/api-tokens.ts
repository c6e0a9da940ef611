import { noteTokenUsed } from './last-use-repository.js';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { MmError } from '../errors.js';
import { appendAudit } from '../governance/audit-log.js';
import type { Policy } from '../governance/policy.js';
import type { ApiTokenTable, DatabaseSchema, UserTable } from '../storage/schema.js';
import { findApiToken, findTokenUser, insertApiToken, listApiTokenRows, markApiTokenRevoked } from './api-tokens-repository.js';
import { newSecret, secretHash } from './secrets.js';

/** Tokens look like `mmt_<id>_<secret>`: the prefix makes a leaked one easy to grep for. */
const TOKEN_PATTERN = /^mmt_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;

export interface ApiTokenView {
  id: string;
  username: string;
  name: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** Creates a token for `user`; the secret is returned once and stored only as a hash. */
export async function createApiToken(
  db: Kysely<DatabaseSchema>,
  policy: Policy,
  user: UserTable,
  input: { name: string; days?: number; actor: string },
  now = new Date(),
): Promise<{ token: string; view: ApiTokenView }> {
  const days = input.days ?? policy.tokens.default_days;
  if (!Number.isInteger(days) || days < 1 || days > policy.tokens.max_days) {
    throw new MmError('MM_VALIDATION', `token lifetime must be 1 to ${policy.tokens.max_days} days (tokens.max_days), not ${days}`);
  }
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) throw new MmError('MM_VALIDATION', 'token name must be 1 to 100 characters');
  const id = randomBytes(6).toString('hex');
  const token = `mmt_${id}_${newSecret()}`;
  const row: ApiTokenTable = {
    id,
    user_id: user.id,
    name,
    token_hash: secretHash(token),
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + days * 86_400_000).toISOString(),
    revoked_at: null,
    revoked_by: null,
    last_used_at: null,
  };
  await db.transaction().execute(async (trx) => {
    await insertApiToken(trx, row);
    await appendAudit(trx, { actor: input.actor, action: 'token.create', target: id, details: { user: user.username, name, expiresAt: row.expires_at } });
  });
  return { token, view: { id, username: user.username, name, createdAt: row.created_at, expiresAt: row.expires_at, revokedAt: null, lastUsedAt: null } };
}

/** The user behind a bearer token, or null when it is malformed, unknown, expired, revoked or its user is disabled. */
export async function resolveApiToken(db: Kysely<DatabaseSchema>, token: string, now = new Date()): Promise<{ user: UserTable; tokenId: string } | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const row = await findTokenUser(db, secretHash(token));
  if (!row || row.token_revoked !== null || row.token_expires <= now.toISOString() || row.disabled === 1) return null;
  if (!row.token_used || now.getTime() - Date.parse(row.token_used) > 60_000) noteTokenUsed(db, row.token_id, now);
  const { token_id: tokenId, token_expires: _e, token_revoked: _r, token_used: _u, ...user } = row;
  return { user, tokenId };
}

export async function listApiTokens(db: Kysely<DatabaseSchema>, userId: string | null): Promise<ApiTokenView[]> {
  const rows = await listApiTokenRows(db, userId);
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    name: r.name,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  }));
}

/** Revokes a token; `ownerId` limits it to that user's tokens (null: any token, for users:manage). */
export async function revokeApiToken(db: Kysely<DatabaseSchema>, id: string, ownerId: string | null, actor: string): Promise<ApiTokenView> {
  const token = await findApiToken(db, id, ownerId);
  if (!token) throw new MmError('MM_TOKEN_NOT_FOUND', `no API token with id '${id}'${ownerId ? ' among yours' : ''}`);
  if (token.revoked_at === null) {
    await db.transaction().execute(async (trx) => {
      await markApiTokenRevoked(trx, id, { at: new Date().toISOString(), by: actor });
      await appendAudit(trx, { actor, action: 'token.revoke', target: id });
    });
  }
  return (await listApiTokens(db, token.user_id)).find((t) => t.id === id)!;
}
