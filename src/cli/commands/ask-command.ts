import path from 'node:path';
import type { Command } from 'commander';
import { withContext, type GlobalOptions } from '../cli-context.js';
import { textTable } from '../text-table.js';
import { UsageError } from '../usage-error.js';
import type { NlAnswer } from '../../nl/answer.js';
import type { MeasureUnit } from '../../nl/lexicon.js';
import type { DisplayFormat } from '../../present/display-format.js';

interface AskOptions {
  json?: boolean;
  asOf?: string;
  followUp?: string;
}

export function registerAskCommand(program: Command): void {
  program
    .command('ask')
    .description('Ask a question in plain English ("top 5 clients by margin last quarter"); answered from your data on this machine')
    .argument('<question...>', 'the question (quote it, or write it as separate words)')
    .option('--json', 'print the answer as one JSON object: status, question, plan, columns, rows, confidence, explanation, cached, suggestions, chart')
    .option(
      '--follow-up <id>',
      'refine the previous question of conversation <id> ("and last year?", "only healthcare", "top 10 instead", "why?"); every answer prints its id',
    )
    .option('--as-of <date>', 'anchor for "last quarter", "YTD"… (YYYY-MM-DD; default analytics.as_of, else the latest data date)')
    .addHelpText(
      'after',
      `
Examples:
  moatmetrics ask "revenue for Acme Motors in Q3 2024"
  moatmetrics ask "GM% by industry ytd"
  moatmetrics ask "which clients lost money last year?"
  moatmetrics ask --json "top 5 clients by hours last qtr"
  moatmetrics ask --follow-up <id> "and last year?"

Status: answered (a table), clarify (the question needs a detail: see the suggestions), or
refused (not a question about the data). docs/NL.md lists what can be asked.`,
    )
    .action(async (words: string[], options: AskOptions, command: Command) => {
      const question = words.join(' ');
      if (options.asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.asOf)) throw new UsageError(`--as-of '${options.asOf}' is not a date (YYYY-MM-DD)`);
      const [{ askWithContext }, { flushQueuedAudit }, { flushSecurityEvents }, conversations, { unitOfColumn }, { displayFormat }] = await Promise.all([
        import('../../nl/ask.js'),
        import('../../governance/audit-log.js'),
        import('../../governance/security-events.js'),
        import('../../nl/conversations.js'),
        import('../../nl/lexicon.js'),
        import('../../present/display-format.js'),
      ]);
      if (options.followUp !== undefined && !conversations.conversationIdPattern.test(options.followUp)) {
        throw new UsageError(`--follow-up '${printable(options.followUp).slice(0, 40)}' is not a conversation id (the 22 characters an answer prints)`);
      }
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ database, config, policy, actor }) => {
        const store = new conversations.FileConversationStore(path.join(config.data_dir, 'conversations'));
        const previous = options.followUp ? await store.get(options.followUp, actor) : null;
        if (options.followUp && !previous) throw conversations.conversationNotFound('24 hours');
        const { answer, turn } = await askWithContext(database, config, question, {
          actor,
          route: 'cli ask',
          previous,
          review: policy.review,
          ...(options.asOf ? { asOf: options.asOf } : {}),
        });
        // An answer continues (or starts) the conversation; a question asked back leaves it as it was.
        const conversationId = turn ? await store.save(options.followUp ?? null, actor, turn) : (options.followUp ?? null);
        await flushQueuedAudit(database.kysely);
        await flushSecurityEvents(database.kysely);
        process.stdout.write(
          options.json
            ? `${JSON.stringify({ ...answer, conversationId })}\n`
            : render(answer, conversationId, displayFormat(config.display.currency), unitOfColumn),
        );
      });
    });
}

/** Terminal text: no control characters from the question or the data reach the terminal. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point.
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

function render(answer: NlAnswer, conversationId: string | null, format: DisplayFormat, unitOfColumn: (label: string) => MeasureUnit | null): string {
  const out: string[] = [];
  if (answer.status !== 'answered') {
    out.push(`${answer.status === 'refused' ? 'Refused' : 'Need more detail'}: ${printable(answer.explanation)}`);
    for (const suggestion of answer.suggestions) out.push(`  try: ${printable(suggestion)}`);
    return `${out.join('\n')}\n`;
  }
  // The JSON answer carries plain numbers; people read money, percentages and hours as such.
  const units = answer.columns.map(unitOfColumn);
  const cellText = (cell: string | number | null, unit: MeasureUnit | null): string => {
    if (cell === null) return '—';
    if (typeof cell === 'string') return printable(cell);
    if (unit === 'money') return format.money(cell);
    if (unit === 'percent') return format.percent(cell);
    if (unit === 'hours') return format.hours(cell);
    if (unit === 'count' || Number.isInteger(cell)) return cell.toLocaleString('en-US');
    return format.decimal(cell);
  };
  const rows = answer.rows.map((row) => row.map((cell, i) => cellText(cell, units[i] ?? null)));
  out.push(textTable(answer.columns.map(printable), rows, answer.columns.slice(1)));
  out.push('');
  out.push(printable(answer.explanation));
  if (conversationId) out.push('', `Follow up: moatmetrics ask --follow-up ${conversationId} "and last year?"`);
  return `${out.join('\n')}\n`;
}
