import type { Kysely } from 'kysely';
import { MmError } from '../errors.js';
import { appendAudit } from '../governance/audit-log.js';
import type { Policy } from '../governance/policy.js';
import type { DatabaseSchema, UserTable } from '../storage/schema.js';
import { decoyPasswordHash, verifyPassword } from './passwords.js';

/**
 * Checks a user name and password. Wrong name and wrong password fail the same way and take
 * the same time (a decoy hash is verified for unknown names). After `login.max_failures`
 * failures in a row the account is locked for `login.lockout_minutes`, even for the right
 * password; a success resets the count.
 */
export async function checkLogin(db: Kysely<DatabaseSchema>, policy: Policy, username: string, password: string, context: { from?: string } = {}, now = new Date()): Promise<UserTable> {
  const name = username.trim().toLowerCase().slice(0, 100);
  try {
    const user = await verifyLogin(db, policy, name, password, now);
    await appendAudit(db, { actor: user.username, action: 'auth.login', details: { from: context.from ?? null } });
    return user;
  } catch (error) {
    const locked = (error as MmError).code === 'MM_ACCOUNT_LOCKED';
    await appendAudit(db, { actor: name, action: 'auth.login', outcome: locked ? 'denied' : 'failure', details: { from: context.from ?? null, reason: (error as MmError).code } });
    throw error;
  }
}

async function verifyLogin(db: Kysely<DatabaseSchema>, policy: Policy, username: string, password: string, now: Date): Promise<UserTable> {
  const user = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  if (!user) {
    await verifyPassword(await decoyPasswordHash(), password);
    throw new MmError('MM_LOGIN_FAILED', 'user name or password is wrong');
  }
  if (user.locked_until && user.locked_until > now.toISOString()) {
    throw new MmError('MM_ACCOUNT_LOCKED', `the account is locked until ${user.locked_until} after ${policy.login.max_failures} failed logins`, {
      lockedUntil: user.locked_until,
    });
  }
  const ok = await verifyPassword(user.password_hash, password);
  if (!ok || user.disabled === 1) {
    const failures = user.failed_logins + 1;
    const lock = failures >= policy.login.max_failures;
    await db
      .updateTable('users')
      .set({ failed_logins: lock ? 0 : failures, locked_until: lock ? new Date(now.getTime() + policy.login.lockout_minutes * 60_000).toISOString() : user.locked_until })
      .where('id', '=', user.id)
      .execute();
    throw new MmError('MM_LOGIN_FAILED', 'user name or password is wrong');
  }
  await db.updateTable('users').set({ failed_logins: 0, locked_until: null, last_login_at: now.toISOString() }).where('id', '=', user.id).execute();
  return user;
}
