import type { Kysely } from 'kysely';
import { MmError, type ErrorCode } from '../errors.js';
import { appendAudit } from '../governance/audit-log.js';
import type { Policy } from '../governance/policy.js';
import type { DatabaseSchema, UserTable } from '../storage/schema.js';
import { countFailedLogin, findLoginUser, lockAccount, recordLoginSuccess } from './login-attempts-repository.js';
import type { LoginThrottle } from './login-throttle.js';
import { decoyPasswordHash, verifyPassword } from './passwords.js';

export interface LoginContext {
  /** The client address (request.ip: behind a trusted proxy, the address it forwards). */
  from: string | null;
  /** Per (name, address) back-off and per-account address tally of this server. */
  throttle: LoginThrottle;
}

/**
 * Checks a user name and password (the design: docs/SECURITY.md, "Issue 8").
 *
 * - A (name, address) pair that failed `login.max_failures` times backs off (MM_LOGIN_THROTTLED,
 *   see login-throttle.ts) before anything is looked up, whether or not the name exists.
 * - Unknown name, wrong password, disabled user and locked account all answer the same
 *   MM_LOGIN_FAILED after the same work: one lookup, one argon2 verification (the decoy hash
 *   for unknown names and locked accounts), one counting UPDATE. So neither the answer nor
 *   its timing tells whether a name exists or is locked.
 * - Failures are counted atomically in SQL. The account locks for `login.lockout_minutes`
 *   once it has `login.max_failures` failures and they came from at least
 *   `login.lock_min_addresses` addresses; then even the right password fails.
 * - The audit trail records the real reason (MM_LOGIN_FAILED, MM_ACCOUNT_LOCKED,
 *   MM_LOGIN_THROTTLED) for the administrator.
 */
export async function checkLogin(
  db: Kysely<DatabaseSchema>,
  policy: Policy,
  username: string,
  password: string,
  context: LoginContext,
  now = new Date(),
): Promise<UserTable> {
  const name = username.trim().toLowerCase().slice(0, 100);
  const attempt = await attemptLogin(db, policy, name, password, context, now);
  if ('user' in attempt) {
    await appendAudit(db, { actor: attempt.user.username, action: 'auth.login', details: { from: context.from } });
    return attempt.user;
  }
  const details = { from: context.from, reason: attempt.reason, ...(attempt.lockedUntil ? { lockedUntil: attempt.lockedUntil } : {}) };
  const outcome = attempt.reason === 'MM_LOGIN_FAILED' ? 'failure' : 'denied';
  await appendAudit(db, { actor: name, action: 'auth.login', outcome, details });
  throw attempt.error;
}

/**
 * Audits a login refused before it could be checked — its input cannot be used, e.g. a NUL
 * character (MM_INPUT_NUL_BYTE) — as a failed login, so no attempt goes unrecorded. NUL is
 * stored as ␀: PostgreSQL text cannot hold it.
 */
export async function auditUncheckedLogin(db: Kysely<DatabaseSchema>, username: unknown, from: string | null, reason: ErrorCode): Promise<void> {
  const name = typeof username === 'string' ? username.trim().toLowerCase().slice(0, 100).replaceAll('\u0000', '\u2400') : '';
  await appendAudit(db, { actor: name, action: 'auth.login', outcome: 'failure', details: { from, reason } });
}

type Attempt = { user: UserTable } | { reason: ErrorCode; error: MmError; lockedUntil?: string };

const loginFailed = (): MmError => new MmError('MM_LOGIN_FAILED', 'user name or password is wrong');

async function attemptLogin(db: Kysely<DatabaseSchema>, policy: Policy, name: string, password: string, context: LoginContext, now: Date): Promise<Attempt> {
  const address = context.from ?? 'unknown';
  const nowText = now.toISOString();
  const waitMs = context.throttle.waitMs(name, address, now.getTime());
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    const message = `too many failed logins for this user name from your address; try again in ${seconds} s`;
    const error = new MmError('MM_LOGIN_THROTTLED', message, { retryAfterSeconds: seconds });
    return { reason: 'MM_LOGIN_THROTTLED', error };
  }
  const user = await findLoginUser(db, name);
  const locked = user?.locked_until != null && user.locked_until > nowText;
  const usable = user !== undefined && !locked;
  const ok = await verifyPassword(usable ? user.password_hash : await decoyPasswordHash(), password);
  if (ok && usable && user.disabled === 0) {
    if (await recordLoginSuccess(db, user.id, nowText)) {
      context.throttle.recordSuccess(name, address);
      return { user };
    }
    // A concurrent failure locked the account between the lookup and now.
    return { reason: 'MM_ACCOUNT_LOCKED', error: loginFailed() };
  }
  context.throttle.recordFailure(name, address, now.getTime());
  const failures = await countFailedLogin(db, name, nowText);
  if (locked) return { reason: 'MM_ACCOUNT_LOCKED', error: loginFailed() };
  // null: no such user (or locked a moment ago); nothing to lock.
  if (user && failures !== null) {
    const addresses = context.throttle.addressesFailing(name, address, now.getTime());
    if (failures >= policy.login.max_failures && addresses >= policy.login.lock_min_addresses) {
      const until = new Date(now.getTime() + policy.login.lockout_minutes * 60_000).toISOString();
      if (await lockAccount(db, user.id, until, nowText)) context.throttle.forgetAccount(name);
      return { reason: 'MM_LOGIN_FAILED', error: loginFailed(), lockedUntil: until };
    }
  }
  return { reason: 'MM_LOGIN_FAILED', error: loginFailed() };
}
