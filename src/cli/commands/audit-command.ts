import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { MmError } from '../../errors.js';
import type { AuditFilter } from '../../governance/audit-log.js';
import { countOf } from '../../present/display-format.js';
import { withContext, type GlobalOptions } from '../cli-context.js';
import { wholeNumber } from '../option-parsers.js';
import { textTable } from '../text-table.js';
import { UsageError } from '../usage-error.js';

interface FilterOptions {
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
}

function filterOf(options: FilterOptions): AuditFilter {
  return {
    ...(options.actor ? { actor: options.actor } : {}),
    ...(options.action ? { action: options.action } : {}),
    ...(options.from ? { from: options.from } : {}),
    ...(options.to ? { to: options.to } : {}),
  };
}

function withFilterOptions(command: Command): Command {
  return command
    .option('--actor <name>', 'only events by this actor')
    .option('--action <action>', 'only this action, or a prefix ending in a dot (auth.)')
    .option('--from <date>', 'from this date (YYYY-MM-DD)')
    .option('--to <date>', 'up to this date, inclusive');
}

export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('Read, verify and export the tamper-evident audit trail');

  audit
    .command('verify')
    .description('Check the whole hash chain and that every dataset version, review decision and user change has its event; exits 1 and names what is wrong')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { describeAuditProblems, verifyAuditTrail } = await import('../../governance/audit-verify.js');
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ database }) => {
        const result = await verifyAuditTrail(database.kysely);
        if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        if (!result.ok) throw new MmError(result.chainOk ? 'MM_AUDIT_GAP' : 'MM_AUDIT_CHAIN_BROKEN', describeAuditProblems(result), result);
        if (!options.json) {
          process.stdout.write(
            result.head
              ? `Audit chain intact: ${countOf(result.checked, 'event')}, head ${result.head.seq} ${result.head.hash}; every dataset version, review decision and user change has its event\n`
              : 'Audit chain intact: no events yet\n',
          );
        }
      });
    });

  withFilterOptions(audit.command('list').description('List audit events in order'))
    .option('--limit <n>', 'at most this many', wholeNumber, 50)
    .option('--after <seq>', 'events after this sequence number', wholeNumber)
    .option('--json', 'print as JSON')
    .action(async (options: FilterOptions & { limit: number; after?: number; json?: boolean }, command: Command) => {
      const [{ listAudit }, { auditDataRead }] = await Promise.all([import('../../governance/audit-log.js'), import('../../governance/data-reads.js')]);
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ database, actor }) => {
        const filter: AuditFilter = { ...filterOf(options), limit: options.limit, ...(options.after !== undefined ? { afterSeq: options.after } : {}) };
        const page = await listAudit(database.kysely, filter);
        // Taken after the page, so a listing never shows its own read.
        auditDataRead(database.kysely, { actor, what: 'audit.list', via: 'cli audit list', filters: { ...filter }, datasetVersion: null });
        if (options.json) {
          process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
          return;
        }
        const rows = page.events.map((e) => [e.seq, e.occurredAt.replace('T', ' ').slice(0, 19), e.actor, e.action, e.target ?? '', e.outcome]);
        process.stdout.write(`${textTable(['seq', 'when (UTC)', 'actor', 'action', 'target', 'outcome'], rows)}\n`);
        if (page.nextAfterSeq !== null) process.stdout.write(`more: --after ${page.nextAfterSeq}\n`);
      });
    });

  withFilterOptions(audit.command('export').description('Write the audit events with their hashes to a file (CSV or JSON); the export is itself audited'))
    .requiredOption('--output <file>', 'file to write')
    .option('--format <format>', 'csv or json', 'csv')
    .action(async (options: FilterOptions & { output: string; format: string }, command: Command) => {
      if (options.format !== 'csv' && options.format !== 'json') throw new UsageError(`--format must be csv or json, not '${options.format}'`);
      const format = options.format;
      const [{ exportAudit }, { appendAudit }] = await Promise.all([import('../../governance/audit-export.js'), import('../../governance/audit-log.js')]);
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ database, actor }) => {
        const filter = filterOf(options);
        await appendAudit(database.kysely, { actor, action: 'audit.export', details: { format, filter, output: options.output } });
        await pipeline(Readable.from(exportAudit(database.kysely, format, filter)), createWriteStream(options.output));
        process.stdout.write(`Audit events written to ${options.output} (${format}).\n`);
      });
    });
}
