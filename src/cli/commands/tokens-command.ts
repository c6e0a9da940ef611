import type { Command } from 'commander';
import { withContext, type GlobalOptions } from '../cli-context.js';
import { wholeNumber } from '../option-parsers.js';
import { textTable } from '../text-table.js';

export function registerTokensCommand(program: Command): void {
  const token = program.command('token').description('Manage API tokens for scripts (Authorization: Bearer …)');

  token
    .command('create')
    .description('Create an API token for a user; the token is printed once and stored only as a hash')
    .requiredOption('--user <name>', 'the user the token acts as (with that user’s role)')
    .requiredOption('--name <name>', 'what the token is for, e.g. "nightly export"')
    .option('--days <days>', 'lifetime in days (default and maximum: the policy’s tokens section)', wholeNumber)
    .action(async (options: { user: string; name: string; days?: number }, command: Command) => {
      const [{ createApiToken }, { requireUser }] = await Promise.all([import('../../auth/api-tokens.js'), import('../../auth/users.js')]);
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ database, policy, actor }) => {
        const owner = await requireUser(database.kysely, options.user);
        const created = await createApiToken(database.kysely, policy, owner, {
          name: options.name,
          actor,
          ...(options.days !== undefined ? { days: options.days } : {}),
        });
        process.stdout.write(`Token ${created.view.id} for '${owner.username}' (${created.view.name}), valid until ${created.view.expiresAt}.\n`);
        process.stdout.write(`${created.token}\n`);
        process.stderr.write('Store it now: it is not shown again. Revoke with `moatmetrics token revoke ' + created.view.id + '`.\n');
      });
    });

  token
    .command('list')
    .description('List API tokens (never their secrets)')
    .option('--user <name>', 'only this user’s tokens')
    .option('--json', 'print as JSON')
    .action(async (options: { user?: string; json?: boolean }, command: Command) => {
      const [{ listApiTokens }, { requireUser }] = await Promise.all([import('../../auth/api-tokens.js'), import('../../auth/users.js')]);
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ database }) => {
        const owner = options.user ? await requireUser(database.kysely, options.user) : null;
        const tokens = await listApiTokens(database.kysely, owner?.id ?? null);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(tokens, null, 2)}\n`);
          return;
        }
        const now = new Date().toISOString();
        const rows = tokens.map((t) => [
          t.id,
          t.username,
          t.name,
          t.revokedAt ? 'revoked' : t.expiresAt <= now ? 'expired' : 'active',
          t.expiresAt.slice(0, 10),
          t.lastUsedAt?.replace('T', ' ').slice(0, 16) ?? 'never',
        ]);
        process.stdout.write(`${textTable(['id', 'user', 'name', 'status', 'expires', 'last used (UTC)'], rows)}\n`);
      });
    });

  token
    .command('revoke')
    .description('Revoke an API token at once')
    .argument('<id>', 'token id (see `moatmetrics token list`)')
    .action(async (id: string, _options: unknown, command: Command) => {
      const { revokeApiToken } = await import('../../auth/api-tokens.js');
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ database, actor }) => {
        const revoked = await revokeApiToken(database.kysely, id, null, actor);
        process.stdout.write(`Token ${revoked.id} of '${revoked.username}' (${revoked.name}) is revoked.\n`);
      });
    });
}
