import type { Command } from 'commander';
import { MmError } from '../../errors.js';
import { cliActor, configFromOptions, withContext, type GlobalOptions } from '../cli-context.js';
import { readSecretFromStdin } from '../read-secret.js';

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description('Write a consistent backup of the database to a new file (safe while the server runs); encrypted with --passphrase-stdin')
    .argument('<file>', 'backup file to create (must not exist)')
    .option('--passphrase-stdin', 'encrypt with a passphrase read from standard input (first line, at least 12 characters)')
    .option('--json', 'print the backup record as JSON')
    .action(async (file: string, options: { passphraseStdin?: boolean; json?: boolean }, command: Command) => {
      const passphrase = options.passphraseStdin ? await readSecretFromStdin('--passphrase-stdin') : null;
      const [{ createBackup }, { describeDatabaseTarget }] = await Promise.all([import('../../operations/backup.js'), import('../../operations/restore.js')]);
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ config, database, actor }) => {
        const backup = await createBackup(database, config, { file, passphrase, actor });
        process.stdout.write(
          options.json
            ? `${JSON.stringify(backup, null, 2)}\n`
            : `Backed up ${describeDatabaseTarget(database.target)} to ${backup.file} (${formatBytes(backup.bytes)}, ${backup.encrypted ? 'encrypted' : 'NOT encrypted'}, sha256 ${backup.sha256}).\n`,
        );
      });
    });

  program
    .command('restore')
    .description('Replace the database with a backup, after checking the backup in full (stop the server first)')
    .argument('<file>', 'backup file written by `moatmetrics backup`')
    .option('--passphrase-stdin', 'the backup is encrypted: read its passphrase from standard input (first line)')
    .option('--yes', 'confirm: the current database is replaced')
    .action(async (file: string, options: { passphraseStdin?: boolean; yes?: boolean }, command: Command) => {
      // No withContext: the database is opened only after it has been replaced.
      const [{ describeDatabaseTarget, restoreBackup }, { resolveDatabaseTarget }] = await Promise.all([
        import('../../operations/restore.js'),
        import('../../storage/database.js'),
      ]);
      const config = await configFromOptions(command.optsWithGlobals<GlobalOptions>());
      const target = describeDatabaseTarget(resolveDatabaseTarget(config));
      if (!options.yes)
        throw new MmError('MM_USAGE', `restore replaces ${target} and everything in it with the contents of ${file}; run again with --yes to go ahead`);
      const passphrase = options.passphraseStdin ? await readSecretFromStdin('--passphrase-stdin') : null;
      const result = await restoreBackup(config, { file, passphrase, actor: cliActor() });
      process.stdout.write(
        `Restored ${result.replaced} from ${result.file}${result.encrypted ? ' (encrypted backup)' : ''}; it was checked before anything was replaced.\n`,
      );
    });
}

function formatBytes(bytes: number): string {
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}
