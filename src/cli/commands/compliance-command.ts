import type { Command } from 'commander';
import { withContext, type GlobalOptions } from '../cli-context.js';

export function registerComplianceCommand(program: Command): void {
  program
    .command('compliance')
    .description('Check, now, what an auditor would ask: audit chain, retention, backups, cookie security, first-run password, roles (exit 1 if any fails)')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { complianceReport } = await import('../../operations/compliance.js');
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ config, policy, database }) => {
        const report = await complianceReport(database, config, policy);
        if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else {
          for (const check of report.checks) process.stdout.write(`${check.passed ? 'PASS' : 'FAIL'}  ${check.title}\n      ${check.evidence}\n`);
          process.stdout.write(
            report.passed ? 'All checks passed.\n' : `${report.checks.filter((c) => !c.passed).length} of ${report.checks.length} checks failed.\n`,
          );
        }
        if (!report.passed) process.exitCode = 1;
      });
    });
}
