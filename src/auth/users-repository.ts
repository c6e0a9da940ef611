import type { Kysely } from 'kysely';
import type { DatabaseSchema, UserTable } from '../storage/schema.js';

/** The SQL of user accounts. Names arrive normalised (users.ts); rows go back as stored. */

export async function findUserByName(db: Kysely<DatabaseSchema>, username: string): Promise<UserTable | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function userNameTaken(db: Kysely<DatabaseSchema>, username: string): Promise<boolean> {
  const existing = await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
  return existing !== undefined;
}

/** True once any account exists (the first start creates `admin` only when none does). */
export async function anyUserExists(db: Kysely<DatabaseSchema>): Promise<boolean> {
  const any = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  return any !== undefined;
}

export async function insertUser(db: Kysely<DatabaseSchema>, row: UserTable): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

export async function listUserRows(db: Kysely<DatabaseSchema>): Promise<UserTable[]> {
  return db.selectFrom('users').selectAll().orderBy('username').execute();
}

export async function updateUserRow(db: Kysely<DatabaseSchema>, userId: string, set: Partial<UserTable>): Promise<void> {
  await db.updateTable('users').set(set).where('id', '=', userId).execute();
}

/** A new password hash; a changed password also clears a lock-out and the failure count. */
export async function storePassword(
  db: Kysely<DatabaseSchema>,
  userId: string,
  password: { hash: string; mustChange: boolean; changedAt: string },
): Promise<void> {
  await db
    .updateTable('users')
    .set({
      password_hash: password.hash,
      must_change_password: password.mustChange ? 1 : 0,
      password_changed_at: password.changedAt,
      failed_logins: 0,
      locked_until: null,
    })
    .where('id', '=', userId)
    .execute();
}

export async function countActiveAdmins(db: Kysely<DatabaseSchema>): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('disabled', '=', 0)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Which of `ids` name an existing client (a client scope may name only those). */
export async function findExistingClientIds(db: Kysely<DatabaseSchema>, ids: readonly string[]): Promise<Set<string>> {
  const rows = await db
    .selectFrom('clients')
    .select('client_id')
    .where('client_id', 'in', [...ids])
    .execute();
  return new Set(rows.map((r) => r.client_id));
}

/** The admin created at first start, if it still exists (compliance checks its password). */
export async function findFirstRunAdmin(
  db: Kysely<DatabaseSchema>,
): Promise<Pick<UserTable, 'username' | 'must_change_password' | 'password_changed_at' | 'created_at'> | undefined> {
  return db
    .selectFrom('users')
    .select(['username', 'must_change_password', 'password_changed_at', 'created_at'])
    .where('created_by', '=', 'first-run')
    .executeTakeFirst();
}

export async function listUserRoles(db: Kysely<DatabaseSchema>): Promise<Array<Pick<UserTable, 'username' | 'role'>>> {
  return db.selectFrom('users').select(['username', 'role']).execute();
}
