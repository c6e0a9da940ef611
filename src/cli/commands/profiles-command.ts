import type { Command } from 'commander';
import { datasetNameOf, datasetNames, unknownDatasetMessage } from '../../ingest/datasets/dataset-names.js';
import type { StoredImportProfile } from '../../ingest/import-profiles.js';
import { withContext, type GlobalOptions } from '../cli-context.js';
import { textTable } from '../text-table.js';
import { UsageError } from '../usage-error.js';

/**
 * `moatmetrics profiles …`: saved mapping profiles (docs/IMPORTING.md, "Mapping profiles"),
 * made with `import <dataset> <file> --map --save-profile NAME`. Removing one acts as the
 * operating-system user, like `import`, and is audited.
 */
export function registerProfilesCommand(program: Command): void {
  const profiles = program.command('profiles').description('Saved mapping profiles: how the columns of a file no preset knows map onto a dataset');

  profiles
    .command('list')
    .description('The saved mapping profiles, with their dataset and mapped columns')
    .option('--dataset <name>', `only this dataset's (${datasetNames.join(', ')})`)
    .option('--json', 'print as JSON')
    .action(async (options: { dataset?: string; json?: boolean }, command: Command) => {
      const dataset = options.dataset === undefined ? undefined : datasetNameOf(options.dataset);
      if (dataset === null) throw new UsageError(unknownDatasetMessage(options.dataset!));
      const { listProfiles } = await import('../../ingest/import-profiles.js');
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ database }) => {
        const listed = await listProfiles(database.kysely, dataset);
        if (options.json) return void process.stdout.write(`${JSON.stringify(listed, null, 2)}\n`);
        if (listed.length === 0)
          return void process.stdout.write('No mapping profile is saved. Save one with: moatmetrics import <dataset> <file> --map --save-profile <name>\n');
        const rows = listed.map((p) => [p.name, p.dataset, Object.keys(p.mapping).length, p.createdBy, p.createdAt.slice(0, 10)]);
        process.stdout.write(`${textTable(['name', 'dataset', 'fields', 'saved by', 'saved on'], rows)}\n`);
      });
    });

  profiles
    .command('show')
    .description('One profile: the header it was saved from and each field with its column')
    .argument('<name>', 'the profile name')
    .option('--json', 'print as JSON')
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      const { requireImportProfile } = await import('../../ingest/import-profiles.js');
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ database }) => {
        const profile = await requireImportProfile(database.kysely, name);
        process.stdout.write(options.json ? `${JSON.stringify(profile, null, 2)}\n` : describe(profile));
      });
    });

  profiles
    .command('remove')
    .description('Remove a profile: files with its header are no longer read with it')
    .argument('<name>', 'the profile name')
    .option('--json', 'print the removed profile as JSON')
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      const { removeImportProfile } = await import('../../ingest/import-profiles.js');
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ database, actor }) => {
        const removed = await removeImportProfile(database.kysely, { name, actor });
        process.stdout.write(options.json ? `${JSON.stringify(removed, null, 2)}\n` : `Removed mapping profile '${removed.name}' (${removed.dataset}).\n`);
      });
    });
}

function describe(profile: StoredImportProfile): string {
  const rows = Object.entries(profile.mapping).map(([field, header]) => [field, header]);
  return (
    `${profile.name}: ${profile.dataset}, saved by ${profile.createdBy} at ${profile.createdAt}\n` +
    `${textTable(['field', 'file column'], rows)}\n` +
    `used for files whose header is: ${profile.signature.join(', ')} (or has every mapped column)\n` +
    `choose it by name with: moatmetrics import ${profile.dataset} <file> --profile "${profile.name}"\n`
  );
}
