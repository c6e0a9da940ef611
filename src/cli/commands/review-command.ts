import type { Command } from 'commander';
import type { StoredAnswer } from '../../analytics/results-repository.js';
import type { ReviewStatus } from '../../governance/review-status.js';
import { reviewStatusLabels } from '../../governance/review-status.js';
import { displayFormat } from '../../present/display-format.js';
import { roundPercent } from '../../present/rounding.js';
import type { CliCredentialOptions } from '../authenticate-cli-user.js';
import { TOKEN_ENV } from '../cli-credentials.js';
import { withContext, type GlobalOptions } from '../cli-context.js';
import { wholeNumber } from '../option-parsers.js';
import { textTable } from '../text-table.js';
import { UsageError } from '../usage-error.js';

/** An answer's table in one cell: its one value, or how many rows it has and the first. */
function answerText(answer: StoredAnswer): string {
  const [first, ...more] = answer.rows;
  if (!first) return '(no rows)';
  const shown = first.map((v) => (v === null ? '—' : String(v))).join(' ');
  return more.length === 0 ? shown : `${shown} (+${more.length} rows)`;
}

const statuses: readonly ReviewStatus[] = ['pending_review', 'approved_with_note', 'approved', 'rejected', 'auto_approved'];

export function registerReviewCommand(program: Command): void {
  const review = program.command('review').description('The review queue: list results waiting for a person, approve or reject them with a comment');

  review
    .command('list')
    .description('Results by review status (default: pending), newest first')
    .option('--status <status>', statuses.join(', '), 'pending_review')
    .option('--kind <kind>', 'profitability, license, overview or answer (a plain-English answer sent to review)')
    .option('--limit <n>', 'at most this many', wholeNumber, 50)
    .option('--json', 'print as JSON')
    .action(async (options: { status: string; kind?: string; limit: number; json?: boolean }, command: Command) => {
      if (!(statuses as readonly string[]).includes(options.status)) throw new UsageError(`--status must be one of ${statuses.join(', ')}`);
      const [{ listResults }, { auditDataRead }] = await Promise.all([
        import('../../analytics/results-repository.js'),
        import('../../governance/data-reads.js'),
      ]);
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ config, database, actor }) => {
        const listed = await listResults(
          database.kysely,
          { status: options.status as ReviewStatus, ...(options.kind ? { kind: options.kind } : {}) },
          { limit: options.limit, offset: 0 },
        );
        auditDataRead(database.kysely, {
          actor,
          what: 'results.list',
          via: 'cli review list',
          filters: { status: options.status, kind: options.kind, limit: options.limit },
          datasetVersion: null,
        });
        // Values are percentages (gross margin, license utilization): shown like every other number.
        const results = listed.results.map((r) => ({ ...r, value: roundPercent(r.value) }));
        const { total } = listed;
        const format = displayFormat(config.display.currency);
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ currency: format.currency, results, total }, null, 2)}\n`);
          return;
        }
        if (results.length === 0) {
          process.stdout.write(`No results are ${reviewStatusLabels[options.status as ReviewStatus]}.\n`);
          return;
        }
        const rows = results.map((r) => [
          r.id,
          r.kind,
          r.answer ? `"${r.answer.question}"` : r.subjectLabel,
          r.answer ? answerText(r.answer) : format.percent(r.value),
          r.confidence.toFixed(2),
          r.reasons.join('; '),
          r.reviewedBy ? `${r.reviewedBy}: ${r.reviewComment ?? ''}` : '',
        ]);
        process.stdout.write(
          `${textTable(['id', 'kind', 'subject', 'value', 'confidence', 'why', 'decision'], rows, ['value'])}\n${results.length} of ${total} shown\n`,
        );
        // An answer's reviewer needs the plan and the whole table, not one number.
        for (const r of results) {
          if (!r.answer) continue;
          process.stdout.write(
            `\n${r.id}: "${r.answer.question}" (as of ${r.answer.asOf})\n  plan: ${JSON.stringify(r.answer.plan)}\n  ${r.answer.explanation}\n`,
          );
          if (r.answer.columns.length === 0) continue;
          const rows = r.answer.rows.map((row) => row.map((v) => (v === null ? '—' : v)));
          process.stdout.write(`${textTable(r.answer.columns, rows).replace(/^/gm, '  ')}\n`);
        }
      });
    });

  for (const decision of ['approve', 'reject'] as const) {
    review
      .command(decision)
      .description(`${decision === 'approve' ? 'Approve' : 'Reject'} a result, saying why (four-eyes: not one computed from your own import or run)`)
      .argument('<id>', 'result id (see `moatmetrics review list`)')
      .requiredOption('--comment <text>', 'why; kept with the decision and in the audit trail')
      .option('--user <name>', 'decide as this MoatMetrics user, with --password-stdin')
      .option('--password-stdin', "read the user's password from standard input")
      .option('--token-stdin', `read an API token from standard input (or set ${TOKEN_ENV})`)
      .addHelpText(
        'after',
        `
The decision is made as a named MoatMetrics user whose role allows results:review, with the
same four-eyes rule as the API: nobody decides a result computed from data they imported or
an analysis run they started. Authenticate with one of:
  echo "$PASSWORD" | moatmetrics review ${decision} <id> --comment "…" --user NAME --password-stdin
  echo "$TOKEN" | moatmetrics review ${decision} <id> --comment "…" --token-stdin
  ${TOKEN_ENV}=mmt_… moatmetrics review ${decision} <id> --comment "…"`,
      )
      .action(async (id: string, options: { comment: string } & CliCredentialOptions, command: Command) => {
        const [{ decideResult }, { authenticateCliUser }, { clientScopeOf }] = await Promise.all([
          import('../../analytics/reviews.js'),
          import('../authenticate-cli-user.js'),
          import('../../auth/client-scope.js'),
        ]);
        await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ database, policy }) => {
          const reviewer = await authenticateCliUser(database.kysely, policy, options, 'results:review');
          const result = await decideResult(database.kysely, policy.review, {
            resultId: id,
            decision,
            comment: options.comment,
            reviewer: reviewer.username,
            clientScope: clientScopeOf(reviewer),
          });
          process.stdout.write(`${result.subjectLabel} (${result.kind}): ${result.reviewStatus} by ${result.reviewedBy} — ${result.reviewComment}\n`);
        });
      });
  }
}
