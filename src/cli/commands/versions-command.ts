import type { Command } from 'commander';
import { MmError } from '../../errors.js';
import { countOf } from '../../present/display-format.js';
import type { DatasetVersion } from '../../versions/versions-repository.js';
import { withContext, type GlobalOptions } from '../cli-context.js';
import { textTable } from '../text-table.js';
import { UsageError } from '../usage-error.js';

export function registerVersionsCommand(program: Command): void {
  const versions = program.command('versions').description('List, inspect and roll back dataset versions');

  versions
    .command('list')
    .description('List every dataset version, newest first')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { currentVersionNumber, listVersions } = await import('../../versions/versions-repository.js');
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ database }) => {
        const all = await listVersions(database.kysely);
        const current = await currentVersionNumber(database.kysely);
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ current, versions: all }, null, 2)}\n`);
          return;
        }
        if (all.length === 0) {
          process.stdout.write('No dataset versions yet. Import a file with `moatmetrics import <dataset> <file>` or load the demo with `moatmetrics demo`.\n');
          return;
        }
        const rows = all.map((v) => [
          `${v.number === current ? '*' : ' '}${v.number}`,
          v.dataset,
          v.createdAt.replace('T', ' ').slice(0, 19),
          v.createdBy,
          v.rows.added,
          v.rows.updated,
          v.rows.rejected,
          v.status + (v.isDemo ? ' (demo)' : '') + (v.removesDemo ? ' (removes demo)' : ''),
          v.fileName,
        ]);
        process.stdout.write(`${textTable(['version', 'dataset', 'created (UTC)', 'by', 'added', 'updated', 'rejected', 'status', 'file'], rows)}\n`);
        process.stdout.write(`current version: ${current}\n`);
      });
    });

  versions
    .command('show')
    .description('Show one dataset version')
    .argument('<number>', 'version number')
    .option('--json', 'print as JSON')
    .action(async (number: string, options: { json?: boolean }, command: Command) => {
      const wanted = parseVersion(number);
      const { findVersion } = await import('../../versions/versions-repository.js');
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ database }) => {
        const version = await findVersion(database.kysely, wanted);
        if (!version) throw new MmError('MM_VERSION_NOT_FOUND', `version ${number} does not exist (see 'moatmetrics versions list')`);
        process.stdout.write(options.json ? `${JSON.stringify(version, null, 2)}\n` : describe(version));
      });
    });

  versions
    .command('rollback')
    .description('Put the data back exactly as it was at version N (later versions are undone and kept on record)')
    .argument('<number>', 'version to return to (0 = empty)')
    .option('--json', 'print as JSON')
    .action(async (number: string, options: { json?: boolean }, command: Command) => {
      const wanted = parseVersion(number);
      const { rollbackToVersion } = await import('../../ingest/rollback-version.js');
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ database, actor }) => {
        const result = await rollbackToVersion(database.kysely, wanted, actor);
        process.stdout.write(
          options.json
            ? `${JSON.stringify(result, null, 2)}\n`
            : `Rolled back to version ${result.version}: undid version${result.undone.length > 1 ? 's' : ''} ${result.undone.join(', ')} (${countOf(result.rowsRestored, 'row')} restored, ${result.rowsRemoved.toLocaleString('en-US')} removed).\n`,
        );
      });
    });
}

function parseVersion(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`'${text}' is not a version number`);
  return Number(text);
}

function describe(v: DatasetVersion): string {
  return [
    `version ${v.number} (${v.status}${v.isDemo ? ', demo data' : ''}${v.removesDemo ? ', removes the demo data' : ''})`,
    `  dataset    ${v.dataset}`,
    `  file       ${v.fileName}`,
    `  sha256     ${v.fileSha256}`,
    `  created    ${v.createdAt} by ${v.createdBy}`,
    `  rows       ${v.rows.added} added, ${v.rows.updated} updated, ${v.rows.unchanged} unchanged, ${v.rows.rejected} rejected`,
    `  import     ${v.importId}`,
    ...(v.rolledBackAt ? [`  rolled back ${v.rolledBackAt} by ${v.rolledBackBy}`] : []),
    '',
  ].join('\n');
}
