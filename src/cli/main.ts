import { Command, CommanderError } from 'commander';
import { isMmError } from '../errors.js';
// Command modules declare names, options and help only; each loads its implementation (and
// with it zod, kysely, better-sqlite3, fastify…) when it runs, so `--help` and usage errors
// answer at once (docs/PERFORMANCE.md, "CLI start-up"). Keep their static imports light.
import { registerAnalyzeCommand } from './commands/analyze-command.js';
import { registerAskCommand } from './commands/ask-command.js';
import { registerAuditCommand } from './commands/audit-command.js';
import { registerBackupCommands } from './commands/backup-command.js';
import { registerClientsCommand } from './commands/clients-command.js';
import { registerComplianceCommand } from './commands/compliance-command.js';
import { registerDemoCommand } from './commands/demo-command.js';
import { registerImportCommand } from './commands/import-command.js';
import { registerLicensesCommand } from './commands/licenses-command.js';
import { registerProfilesCommand } from './commands/profiles-command.js';
import { registerRetentionCommand } from './commands/retention-command.js';
import { registerReviewCommand } from './commands/review-command.js';
import { registerServeCommand } from './commands/serve-command.js';
import { registerTokensCommand } from './commands/tokens-command.js';
import { registerUsersCommand } from './commands/users-command.js';
import { registerVersionsCommand } from './commands/versions-command.js';
import { UsageError } from './usage-error.js';

// Everything the CLI and server create (database, raw files, import reports, backups,
// exports) is for the owner only: the data holds password hashes and the MSP's numbers.
process.umask(0o077);

// `moatmetrics versions list | head -1`: the reader has gone. Whatever is left to print is not
// wanted, but the command still finishes what it was doing (an import is not cut in half);
// without these listeners the failed write would end the process with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

/**
 * The `moatmetrics` command line. Exit codes: 0 done; 1 a user error (one line on stderr,
 * never a stack trace); 2 the command line is wrong, found before anything was opened or
 * created; 70 an internal error.
 */
const program = new Command()
  .name('moatmetrics')
  .description('Self-hosted analytics for managed IT service providers')
  .option('--data-dir <dir>', 'data directory (database, raw files, import reports); env MOATMETRICS_DATA_DIR')
  .option('--database-url <url>', 'postgres://… to use PostgreSQL instead of the embedded SQLite; env MOATMETRICS_DATABASE_URL')
  .option('--config <file>', 'config file (default ./config/config.yaml); env MOATMETRICS_CONFIG')
  .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
  // One line, like every other error: commander's message (and its "Did you mean …?") with the pointer to --help after it.
  .configureOutput({ outputError: (message, write) => write(`${message.trim().replace(/\s*\n\s*/g, ' ')} (run with --help for usage)\n`) })
  .exitOverride();

registerServeCommand(program);
registerImportCommand(program);
registerVersionsCommand(program);
registerClientsCommand(program);
registerProfilesCommand(program);
registerDemoCommand(program);
registerAnalyzeCommand(program);
registerLicensesCommand(program);
registerAskCommand(program);
registerUsersCommand(program);
registerTokensCommand(program);
registerBackupCommands(program);
registerRetentionCommand(program);
registerAuditCommand(program);
registerReviewCommand(program);
registerComplianceCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander already printed help or the usage problem.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof UsageError) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = 2;
  } else if (isMmError(error)) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = 1;
  } else if ((error as NodeJS.ErrnoException | null)?.code === 'EPIPE') {
    // Output streamed to a reader that has gone (see above): nothing to report to anyone.
  } else {
    process.stderr.write(`internal error: ${(error as Error).message ?? String(error)}\n`);
    if (process.env.MOATMETRICS_DEBUG) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
    else process.stderr.write('(set MOATMETRICS_DEBUG=1 for details)\n');
    process.exitCode = 70;
  }
}
