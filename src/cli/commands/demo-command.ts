import type { Command } from 'commander';
import { withContext, type GlobalOptions } from '../cli-context.js';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Load the bundled sample MSP (about 40 clients, 15 staff, 14 months), marked as demo data')
    .option('--force', 'load even if the database already holds data')
    .action(async (options: { force?: boolean }, command: Command) => {
      const { loadDemoData } = await import('../../sample/load-demo-data.js');
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ config, database }) => {
        const reports = await loadDemoData(database, config, { force: options.force ?? false });
        for (const report of reports) process.stdout.write(`${report.message}\n`);
        process.stdout.write('Demo data loaded. It is marked as demo in `moatmetrics versions list`; roll back to 0 to remove it.\n');
      });
    });
}
