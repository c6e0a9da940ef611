import type { Command } from 'commander';
import { roles } from '../../governance/roles.js';
import { withContext, type GlobalOptions } from '../cli-context.js';
import { readSecretFromStdin } from '../read-secret.js';
import { textTable } from '../text-table.js';
import { UsageError } from '../usage-error.js';

export function registerUsersCommand(program: Command): void {
  const user = program.command('user').description('Manage users (the CLI acts with the rights of whoever can read the data directory)');

  user
    .command('add')
    .description('Create a user; without --password-stdin a one-time password is printed once and must be changed at first login')
    .argument('<name>', 'login name')
    .requiredOption('--role <role>', `one of ${roles.join(', ')}`)
    .option('--password-stdin', 'read the password from standard input instead')
    .action(async (name: string, options: { role: string; passwordStdin?: boolean }, command: Command) => {
      const { createUser } = await import('../../auth/users.js');
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ database, policy, actor }) => {
        const password = options.passwordStdin ? await readSecretFromStdin('--password-stdin') : undefined;
        const { user: created, oneTimePassword } = await createUser(database.kysely, policy, {
          username: name,
          role: options.role,
          ...(password ? { password } : {}),
          createdBy: actor,
        });
        process.stdout.write(`Created user '${created.username}' with role ${created.role}.\n`);
        if (oneTimePassword) process.stdout.write(`One-time password (shown once; it must be changed at first login): ${oneTimePassword}\n`);
      });
    });

  user
    .command('list')
    .description('List users and their roles')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { listUsers } = await import('../../auth/users.js');
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ database }) => {
        const users = await listUsers(database.kysely);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(users, null, 2)}\n`);
          return;
        }
        const rows = users.map((u) => [
          u.username,
          u.role,
          u.disabled ? 'disabled' : u.lockedUntil && u.lockedUntil > new Date().toISOString() ? `locked until ${u.lockedUntil.slice(0, 16)}` : 'active',
          u.mustChangePassword ? 'yes' : 'no',
          u.lastLoginAt?.replace('T', ' ').slice(0, 16) ?? 'never',
          u.clientScope ? u.clientScope.join(', ') : 'all',
        ]);
        process.stdout.write(`${textTable(['user', 'role', 'status', 'must change password', 'last login (UTC)', 'clients'], rows)}\n`);
      });
    });

  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    user
      .command(verb)
      .description(disabled ? 'Disable a user: ends its sessions and revokes its API tokens' : 'Enable a disabled user')
      .argument('<name>', 'login name')
      .action(async (name: string, _options: unknown, command: Command) => {
        const { updateUser } = await import('../../auth/users.js');
        await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ database, policy, actor }) => {
          const changed = await updateUser(database.kysely, policy, name, { disabled }, actor);
          process.stdout.write(`User '${changed.username}' is ${changed.disabled ? 'disabled; its sessions ended and its tokens were revoked' : 'enabled'}.\n`);
        });
      });
  }

  user
    .command('role')
    .description("Change a user's role")
    .argument('<name>', 'login name')
    .argument('<role>', `one of ${roles.join(', ')}`)
    .action(async (name: string, role: string, _options: unknown, command: Command) => {
      const { updateUser } = await import('../../auth/users.js');
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ database, policy, actor }) => {
        const changed = await updateUser(database.kysely, policy, name, { role }, actor);
        process.stdout.write(`User '${changed.username}' now has role ${changed.role}.\n`);
      });
    });

  user
    .command('scope')
    .description('Limit which clients a user sees (every analysis, result and review), or lift the limit')
    .argument('<name>', 'login name')
    .option('--clients <ids>', 'comma-separated client ids')
    .option('--all', 'every client (no scope)')
    .action(async (name: string, options: { clients?: string; all?: boolean }, command: Command) => {
      if (Boolean(options.clients) === Boolean(options.all)) throw new UsageError('give either --clients <ids> or --all');
      const clientScope = options.all
        ? null
        : options
            .clients!.split(',')
            .map((id) => id.trim())
            .filter(Boolean);
      const { updateUser } = await import('../../auth/users.js');
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ database, policy, actor }) => {
        const changed = await updateUser(database.kysely, policy, name, { clientScope }, actor);
        process.stdout.write(
          changed.clientScope
            ? `User '${changed.username}' now sees only: ${changed.clientScope.join(', ')}.\n`
            : `User '${changed.username}' now sees every client.\n`,
        );
      });
    });

  user
    .command('passwd')
    .description(
      'Set a new password: a printed one-time password (default), or one read with --password-stdin; ' +
        'ends the user’s sessions, revokes its API tokens, clears a lock-out',
    )
    .argument('<name>', 'login name')
    .option('--password-stdin', 'read the new password from standard input')
    .action(async (name: string, options: { passwordStdin?: boolean }, command: Command) => {
      const [{ generatePassword }, { requireUser, setPassword }] = await Promise.all([import('../../auth/passwords.js'), import('../../auth/users.js')]);
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ database, actor }) => {
        const target = await requireUser(database.kysely, name);
        const chosen = options.passwordStdin ? await readSecretFromStdin('--password-stdin') : null;
        const oneTime = chosen === null ? generatePassword() : null;
        const { tokensRevoked } = await setPassword(database.kysely, target, chosen ?? oneTime!, { oneTime: oneTime !== null, actor });
        process.stdout.write(
          oneTime
            ? `One-time password for '${target.username}' (shown once; it must be changed at next login): ${oneTime}\n`
            : `Password of '${target.username}' changed.\n`,
        );
        if (tokensRevoked > 0) process.stdout.write(`Its ${tokensRevoked} API token${tokensRevoked === 1 ? ' was' : 's were'} revoked.\n`);
      });
    });
}
