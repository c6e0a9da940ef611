import type { Command } from 'commander';
import type { RetentionRun } from '../../operations/retention-runs-repository.js';
import { countOf } from '../../present/display-format.js';
import { withContext, type GlobalOptions } from '../cli-context.js';

export function registerRetentionCommand(program: Command): void {
  const retention = program.command('retention').description('Remove old raw files, analytics runs and expired sessions (policy `retention`)');

  retention
    .command('run')
    .description('Run retention now (the server also runs it every retention.run_every_hours)')
    .option('--dry-run', 'count what would be removed; remove nothing')
    .option('--json', 'print the run record as JSON')
    .action(async (options: { dryRun?: boolean; json?: boolean }, command: Command) => {
      const { runRetention } = await import('../../operations/retention.js');
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ config, policy, database, actor }) => {
        const run = await runRetention(database, config, policy, { actor, dryRun: options.dryRun ?? false });
        process.stdout.write(options.json ? `${JSON.stringify(run, null, 2)}\n` : describe(run));
      });
    });
}

function describe(run: RetentionRun): string {
  const { counts, cutoffs } = run;
  const verb = run.dryRun ? 'Would remove' : 'Removed';
  const kept = (cutoff: string | null): string => (cutoff ? `older than ${cutoff.slice(0, 10)}` : 'kept forever by policy');
  return [
    `${run.dryRun ? 'Dry run: nothing was removed.' : 'Retention run finished.'}`,
    `  ${verb} ${countOf(counts.rawFiles, 'raw import file')} (${(counts.rawBytes / 1e6).toFixed(1)} MB) and ${countOf(counts.rejectFiles, 'rejects file')}: ${kept(cutoffs.rawFiles)}`,
    `  ${verb} ${countOf(counts.leftoverFiles, 'leftover file')} of interrupted imports (${(counts.leftoverBytes / 1e6).toFixed(1)} MB)`,
    `  ${verb} ${countOf(counts.analyticsRuns, 'analytics run')} with ${countOf(counts.analyticsResults, 'result')}: ${kept(cutoffs.analyticsRuns)}`,
    `  ${verb} ${countOf(counts.sessions, 'expired session')}: ${kept(cutoffs.sessions)}`,
    `  ${verb} ${countOf(counts.securityEvents, 'security event')}: ${kept(cutoffs.securityEvents)}`,
    `  ${verb} ${countOf(counts.apiTokens, 'expired or revoked API token')}: ${kept(cutoffs.apiTokens)}`,
    ...run.problems.map((problem) => `  problem: ${problem}`),
    '',
  ].join('\n');
}
