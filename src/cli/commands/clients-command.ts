import type { Command } from 'commander';
import type { ClientAliasDecision, UnmappedClientNames } from '../../ingest/client-aliases.js';
import { countOf } from '../../present/display-format.js';
import { withContext, type GlobalOptions } from '../cli-context.js';
import { textTable } from '../text-table.js';

/**
 * `moatmetrics clients …`: client names the imports met without an exact match
 * (docs/IMPORTING.md, "Client names across sources"). Changes act as the operating-system
 * user, like `import`, and are audited.
 */
export function registerClientsCommand(program: Command): void {
  const clients = program.command('clients').description('Client names across sources: confirm automatic matches, map or unmap names the imports met');

  clients
    .command('unmapped')
    .description('Names matched automatically (to confirm) and names no client was found for, with the closest clients')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { listUnmappedClientNames } = await import('../../ingest/client-aliases.js');
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ database }) => {
        const listed = await listUnmappedClientNames(database.kysely);
        process.stdout.write(options.json ? `${JSON.stringify(listed, null, 2)}\n` : describeUnmapped(listed));
      });
    });

  clients
    .command('confirm')
    .description('Confirm an automatic match: the name stays with the client it matched')
    .argument('<name>', 'the client name as the import met it (case and spacing do not matter)')
    .option('--json', 'print as JSON')
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      const { confirmClientName } = await import('../../ingest/client-aliases.js');
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ database, actor }) => {
        print(await confirmClientName(database.kysely, { name, actor }), options.json);
      });
    });

  clients
    .command('map')
    .description('Map a client name to a client; rows rejected for it load when the file is imported again')
    .argument('<name>', 'the client name as the source file writes it')
    .requiredOption('--to <client>', 'the client: its id or its name')
    .option('--json', 'print as JSON')
    .action(async (name: string, options: { to: string; json?: boolean }, command: Command) => {
      const { mapClientName } = await import('../../ingest/client-aliases.js');
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ database, actor }) => {
        print(await mapClientName(database.kysely, { name, to: options.to, actor }), options.json);
      });
    });

  clients
    .command('unmap')
    .description('Unmap a client name: it is none of the clients it looks like, and is no longer matched automatically')
    .argument('<name>', 'the client name as the import met it')
    .option('--json', 'print as JSON')
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      const { unmapClientName } = await import('../../ingest/client-aliases.js');
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ database, actor }) => {
        print(await unmapClientName(database.kysely, { name, actor }), options.json);
      });
    });
}

function print(decision: ClientAliasDecision, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(decision, null, 2)}\n`);
    return;
  }
  const { client } = decision;
  process.stdout.write(
    decision.status === 'confirmed'
      ? `'${decision.name}' is client ${client!.clientName} (${client!.clientId}). Import the file again to load rows rejected for it.\n`
      : `'${decision.name}' is unmapped: it is no longer matched to a client automatically.\n`,
  );
}

function describeUnmapped(listed: UnmappedClientNames): string {
  if (listed.automatic.length === 0 && listed.unmapped.length === 0) return 'Every client name the imports met matches a client exactly or as mapped.\n';
  let text = '';
  if (listed.automatic.length > 0) {
    const rows = listed.automatic.map((a) => [a.name, `${a.client.clientName} (${a.client.clientId})`, a.rows]);
    text += `Matched automatically, awaiting confirmation (\`moatmetrics clients confirm "<name>"\`):\n${textTable(['name', 'matched client', 'rows'], rows)}\n`;
  }
  if (listed.unmapped.length > 0) {
    const rows = listed.unmapped.map((u) => [
      u.name + (u.keptApart ? ' (unmapped by a person)' : ''),
      u.rows,
      u.suggestions.map((s) => `${s.clientName} (${s.clientId})`).join('; ') || '-',
    ]);
    if (text) text += '\n';
    text += `Not mapped to any client (\`moatmetrics clients map "<name>" --to <client>\`):\n${textTable(['name', 'rows', 'closest clients'], rows)}\n`;
  }
  const waiting = listed.automatic.length + listed.unmapped.length;
  return `${text}${countOf(waiting, 'name')} waiting for a decision.\n`;
}
