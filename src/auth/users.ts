import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { MmError } from '../errors.js';
import { appendAudit } from '../governance/audit-log.js';
import { isRole, roles, type Policy } from '../governance/policy.js';
import type { DatabaseSchema, UserTable } from '../storage/schema.js';
import { revokeApiTokensOfUser } from './api-tokens-repository.js';
import { checkNewPassword, generatePassword, hashPassword } from './passwords.js';
import { deleteSessionsOfUser } from './sessions-repository.js';
import {
  anyUserExists,
  countActiveAdmins,
  findExistingClientIds,
  findUserByName,
  insertUser,
  listUserRows,
  storePassword,
  updateUserRow,
  userNameTaken,
} from './users-repository.js';

/** A user as the rest of the product sees it (never the hash). */
export interface UserView {
  id: string;
  username: string;
  role: string;
  disabled: boolean;
  mustChangePassword: boolean;
  lockedUntil: string | null;
  clientScope: string[] | null;
  createdAt: string;
  createdBy: string;
  lastLoginAt: string | null;
}

export function userView(row: UserTable): UserView {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    disabled: row.disabled === 1,
    mustChangePassword: row.must_change_password === 1,
    lockedUntil: row.locked_until,
    clientScope: row.client_scope === null ? null : (JSON.parse(row.client_scope) as string[]),
    createdAt: row.created_at,
    createdBy: row.created_by,
    lastLoginAt: row.last_login_at,
  };
}

export function normalizeUsername(name: string): string {
  const username = name.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9._@-]{1,63}$/.test(username)) {
    throw new MmError('MM_VALIDATION', `user name '${name}': use 2–64 letters, digits, '.', '_', '-' or '@', starting with a letter or digit`);
  }
  return username;
}

function checkRole(policy: Policy, role: string): void {
  if (!isRole(role) || !policy.roles[role]) {
    throw new MmError('MM_VALIDATION', `unknown role '${role}' (the policy has: ${roles.filter((r) => policy.roles[r]).join(', ')})`);
  }
}

export interface NewUser {
  username: string;
  role: string;
  /** Omitted: a one-time password is generated, returned once, and must be changed at first login. */
  password?: string;
  clientScope?: string[] | null;
  createdBy: string;
}

export async function createUser(db: Kysely<DatabaseSchema>, policy: Policy, input: NewUser): Promise<{ user: UserView; oneTimePassword: string | null }> {
  const username = normalizeUsername(input.username);
  checkRole(policy, input.role);
  if (input.password !== undefined) checkNewPassword(username, input.password);
  if (input.clientScope) await checkClientsExist(db, input.clientScope);
  if (await userNameTaken(db, username)) throw new MmError('MM_USER_EXISTS', `a user named '${username}' already exists`);
  const oneTimePassword = input.password === undefined ? generatePassword() : null;
  const now = new Date().toISOString();
  const row: UserTable = {
    id: randomUUID(),
    username,
    role: input.role,
    password_hash: await hashPassword(input.password ?? oneTimePassword!),
    must_change_password: oneTimePassword ? 1 : 0,
    disabled: 0,
    failed_logins: 0,
    locked_until: null,
    client_scope: input.clientScope ? JSON.stringify([...new Set(input.clientScope)].sort()) : null,
    created_at: now,
    created_by: input.createdBy,
    password_changed_at: now,
    last_login_at: null,
  };
  // The user and its event commit together (an audit gap check looks for it).
  await db.transaction().execute(async (trx) => {
    await insertUser(trx, row);
    await appendAudit(trx, {
      actor: input.createdBy,
      action: 'user.create',
      target: username,
      details: { role: input.role, oneTimePassword: oneTimePassword !== null },
    });
  });
  return { user: userView(row), oneTimePassword };
}

export async function findUser(db: Kysely<DatabaseSchema>, username: string): Promise<UserTable | undefined> {
  return findUserByName(db, username.trim().toLowerCase());
}

export async function requireUser(db: Kysely<DatabaseSchema>, username: string): Promise<UserTable> {
  const user = await findUser(db, username);
  if (!user) throw new MmError('MM_USER_NOT_FOUND', `no user named '${username.trim().toLowerCase()}'`);
  return user;
}

export async function listUsers(db: Kysely<DatabaseSchema>): Promise<UserView[]> {
  const rows = await listUserRows(db);
  return rows.map(userView);
}

export interface UserChange {
  role?: string;
  disabled?: boolean;
  clientScope?: string[] | null;
}

/** Changes role, disabled flag or client scope. Disabling ends the user's sessions and tokens at once. */
export async function updateUser(db: Kysely<DatabaseSchema>, policy: Policy, username: string, change: UserChange, actor: string): Promise<UserView> {
  const user = await requireUser(db, username);
  if (change.role !== undefined) checkRole(policy, change.role);
  if (change.clientScope) await checkClientsExist(db, change.clientScope);
  const demotes = (change.role !== undefined && change.role !== 'admin') || change.disabled === true;
  if (user.role === 'admin' && demotes && (await countActiveAdmins(db)) <= 1 && user.disabled === 0) {
    throw new MmError('MM_VALIDATION', `'${user.username}' is the last active admin; make another admin first`);
  }
  const set: Partial<UserTable> = {};
  if (change.role !== undefined) set.role = change.role;
  if (change.disabled !== undefined) set.disabled = change.disabled ? 1 : 0;
  if (change.clientScope !== undefined) set.client_scope = change.clientScope ? JSON.stringify([...new Set(change.clientScope)].sort()) : null;
  if (Object.keys(set).length === 0) return userView(user);
  await db.transaction().execute(async (trx) => {
    await updateUserRow(trx, user.id, set);
    if (change.disabled === true) {
      await deleteSessionsOfUser(trx, user.id);
      await revokeApiTokensOfUser(trx, user.id, { at: new Date().toISOString(), by: actor });
    }
    await appendAudit(trx, { actor, action: 'user.update', target: user.username, details: { ...change } });
  });
  return userView(await requireUser(db, user.username));
}

/** A scope naming a client that does not exist is almost always a typo: refuse it by name. */
async function checkClientsExist(db: Kysely<DatabaseSchema>, ids: readonly string[]): Promise<void> {
  const found = await findExistingClientIds(db, ids);
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) throw new MmError('MM_VALIDATION', `client scope: no client has the id ${missing.map((id) => `'${id}'`).join(', ')}`);
}

/**
 * Sets a password. `oneTime`: chosen for the user (reset) — it must be changed at next
 * login. Either way it ends the user's other sessions, revokes every API token of the
 * user, and clears a lock-out: a password is changed or reset because it may be known to
 * someone else, who may have used it to create a token, so no credential obtained with the
 * old password outlives it (docs/SECURITY.md, "Issue 8"). Returns how many tokens it revoked.
 */
export async function setPassword(
  db: Kysely<DatabaseSchema>,
  user: UserTable,
  password: string,
  options: { oneTime: boolean; actor: string; keepSessionHash?: string },
): Promise<{ tokensRevoked: number }> {
  if (!options.oneTime) checkNewPassword(user.username, password);
  const passwordHash = await hashPassword(password);
  const now = new Date().toISOString();
  const tokensRevoked = await db.transaction().execute(async (trx) => {
    await storePassword(trx, user.id, { hash: passwordHash, mustChange: options.oneTime, changedAt: now });
    await deleteSessionsOfUser(trx, user.id, options.keepSessionHash);
    const count = await revokeApiTokensOfUser(trx, user.id, { at: now, by: options.actor });
    const action = options.oneTime ? 'user.password_reset' : 'auth.password_change';
    await appendAudit(trx, { actor: options.actor, action, target: user.username, details: { tokensRevoked: count } });
    return count;
  });
  return { tokensRevoked };
}

/**
 * First start: with no users at all, creates `admin`. Its password comes from
 * MOATMETRICS_ADMIN_PASSWORD (then it counts as chosen), otherwise a one-time password is
 * generated and returned so the caller can print it once.
 */
export async function ensureFirstAdmin(
  db: Kysely<DatabaseSchema>,
  policy: Policy,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ created: boolean; oneTimePassword: string | null }> {
  if (await anyUserExists(db)) return { created: false, oneTimePassword: null };
  const given = env.MOATMETRICS_ADMIN_PASSWORD;
  const { oneTimePassword } = await createUser(db, policy, { username: 'admin', role: 'admin', ...(given ? { password: given } : {}), createdBy: 'first-run' });
  return { created: true, oneTimePassword };
}
