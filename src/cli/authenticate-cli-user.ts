import type { Kysely } from 'kysely';
import { resolveApiToken } from '../auth/api-tokens.js';
import { checkLogin } from '../auth/login.js';
import { LoginThrottle } from '../auth/login-throttle.js';
import { MmError } from '../errors.js';
import { permissionsOf, type Permission, type Policy } from '../governance/policy.js';
import type { DatabaseSchema, UserTable } from '../storage/schema.js';
import { TOKEN_ENV } from './cli-credentials.js';
import { readSecretFromStdin } from './read-secret.js';

/** The environment variable a script can hand an API token in (never a config setting). */
export { TOKEN_ENV };

export interface CliCredentialOptions {
  user?: string;
  passwordStdin?: boolean;
  tokenStdin?: boolean;
}

/**
 * Commands whose rules depend on *who* acts — a review decision under four-eyes — cannot act
 * as `cli:<os user>`: whoever can read the data directory would otherwise decide results
 * under a name the rules never see. They act as a named MoatMetrics user who proves it the
 * way the API asks for: a password (`--user NAME --password-stdin`, checked like a login,
 * with its lock-out and audit event) or an API token (`--token-stdin`, or the environment
 * variable MOATMETRICS_TOKEN). The user's role must grant `permission`, exactly as the
 * route's does over HTTP.
 */
export async function authenticateCliUser(
  db: Kysely<DatabaseSchema>,
  policy: Policy,
  options: CliCredentialOptions,
  permission: Permission,
  env: NodeJS.ProcessEnv = process.env,
): Promise<UserTable> {
  const user = await identify(db, policy, options, env);
  if (user.must_change_password === 1) {
    throw new MmError(
      'MM_PASSWORD_CHANGE_REQUIRED',
      `'${user.username}' still has a password someone else set; change it first (log in to the web app, or POST /api/v1/auth/password)`,
    );
  }
  if (!permissionsOf(policy, user.role).has(permission)) {
    throw new MmError('MM_FORBIDDEN', `role '${user.role}' of '${user.username}' does not have the permission '${permission}' this needs`, {
      role: user.role,
      permission,
    });
  }
  return user;
}

async function identify(db: Kysely<DatabaseSchema>, policy: Policy, options: CliCredentialOptions, env: NodeJS.ProcessEnv): Promise<UserTable> {
  if (options.tokenStdin && (options.user !== undefined || options.passwordStdin)) {
    throw new MmError('MM_USAGE', 'use either --user NAME --password-stdin or --token-stdin, not both');
  }
  if (options.passwordStdin && options.user === undefined) throw new MmError('MM_USAGE', '--password-stdin needs --user NAME');
  if (options.user !== undefined) {
    if (!options.passwordStdin)
      throw new MmError('MM_USAGE', `--user ${options.user} needs --password-stdin (the password on standard input), or use --token-stdin`);
    const password = await readSecretFromStdin('--password-stdin');
    const throttle = new LoginThrottle({ maxFailures: policy.login.max_failures, lockoutMinutes: policy.login.lockout_minutes });
    return checkLogin(db, policy, options.user, password, { from: 'cli', throttle });
  }
  const token = options.tokenStdin ? await readSecretFromStdin('--token-stdin') : env[TOKEN_ENV];
  if (token !== undefined && token !== '') {
    const resolved = await resolveApiToken(db, token.trim());
    if (!resolved)
      throw new MmError('MM_AUTH_INVALID', `the API token${options.tokenStdin ? '' : ` in ${TOKEN_ENV}`} is not valid: unknown, expired or revoked`);
    return resolved.user;
  }
  throw new MmError(
    'MM_AUTH_REQUIRED',
    `this acts as a named MoatMetrics user: give --user NAME --password-stdin (the password on standard input), --token-stdin (an API token on standard input) or set ${TOKEN_ENV} to an API token`,
  );
}
