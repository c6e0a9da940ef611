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
}

export function registerAskCommand(program: Command): void {
  program
    .command('ask')
    .description('Ask a question in plain English ("top 5 clients by margin last quarter"); answered from your data on this machine')
    .argument('<question...>', 'the question (quote it, or write it as separate words)')
    .option('--json', 'print the answer as one JSON object: status, question, plan, columns, rows, confidence, explanation, cached, suggestions, chart')
    .option('--as-of <date>', 'anchor for "last quarter", "YTD"… (YYYY-MM-DD; default analytics.as_of, else the latest data date)')
    .addHelpText(
      'after',
      `
Examples:
  moatmetrics ask "revenue for Acme Motors in Q3 2024"
  moatmetrics ask "GM% by industry ytd"
  moatmetrics ask "which clients lost money last year?"
  moatmetrics ask --json "top 5 clients by hours last qtr"

Status: answered (a table), clarify (the question needs a detail: see the suggestions), or
refused (not a question about the data). docs/NL.md lists what can be asked.`,
    )
    .action(async (words: string[], options: AskOptions, command: Command) => {
      const question = words.join(' ');
      if (options.asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.asOf)) throw new UsageError(`--as-of '${options.asOf}' is not a date (YYYY-MM-DD)`);
      const [{ askQuestion }, { flushQueuedAudit }, { flushSecurityEvents }, { unitOfColumn }, { displayFormat }] = await Promise.all([
        import('../../nl/ask.js'),
        import('../../governance/audit-log.js'),
        import('../../governance/security-events.js'),
        import('../../nl/lexicon.js'),
        import('../../present/display-format.js'),
      ]);
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ database, config, actor }) => {
        const answer = await askQuestion(database, config, question, { actor, route: 'cli ask', ...(options.asOf ? { asOf: options.asOf } : {}) });
        await flushQueuedAudit(database.kysely);
        await flushSecurityEvents(database.kysely);
        process.stdout.write(options.json ? `${JSON.stringify(answer)}\n` : render(answer, displayFormat(config.display.currency), unitOfColumn));
      });
    });
}

/** Terminal text: no control characters from the question or the data reach the terminal. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point.
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

function render(answer: NlAnswer, format: DisplayFormat, unitOfColumn: (label: string) => MeasureUnit | null): string {
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
  return `${out.join('\n')}\n`;
}
