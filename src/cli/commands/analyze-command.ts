import type { Command } from 'commander';
import { bandLabels } from '../../analytics/bands.js';
import type { AnalysisFilters } from '../../analytics/analysis-filters.js';
import type { AnalysisDocument } from '../../analytics/run-analysis.js';
import { MmError } from '../../errors.js';
import { reviewStatusLabels } from '../../governance/review-status.js';
import { countOf, displayFormat, type DisplayFormat } from '../../present/display-format.js';
import { withContext, type GlobalOptions } from '../cli-context.js';
import { textTable } from '../text-table.js';
import { UsageError } from '../usage-error.js';

interface AnalyzeOptions {
  from?: string;
  to?: string;
  client?: string[];
  industry?: string[];
  json?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

export function registerAnalyzeCommand(program: Command): void {
  program
    .command('analyze')
    .description('Profitability by client, license efficiency, staff utilization and trends, with confidence and review status')
    .option('--from <date>', 'start of the period (YYYY-MM-DD; default: earliest data)')
    .option('--to <date>', 'end of the period (YYYY-MM-DD; default: latest data)')
    .option('--client <id or name>', 'only these clients (repeat or comma-separate)', collect)
    .option('--industry <name>', 'only clients in these industries (repeat or comma-separate)', collect)
    .option('--json', 'print the whole result as one JSON document (amounts to the cent, percentages and hours to two decimals)')
    .addHelpText(
      'after',
      `
Columns of the profitability table:
  revenue   invoiced in the period (not void or draft; credit notes count negative)
  labor     hours x each technician's cost rate (analytics.default_cost_rate where none is known)
  licenses  license cost of the period
  profit    revenue - labor - licenses;  margin = profit / revenue
  EHR       effective hourly rate: (revenue - license cost) / hours worked for the client,
            what an hour of your team's time brought in after the client's license costs
  conf.     confidence in the numbers (0-1), from data quality (docs/METRICS.md)

Amounts are in display.currency (config, or MOATMETRICS_DISPLAY_CURRENCY; default USD).
With --client or --industry the staff section lists the hours logged for those clients;
utilization (billable hours against each person's whole capacity) is shown for the whole team only.`,
    )
    .action(async (options: AnalyzeOptions, command: Command) => {
      const filters: AnalysisFilters = {};
      for (const [key, value] of [
        ['from', options.from],
        ['to', options.to],
      ] as const) {
        if (value !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new UsageError(`--${key} '${value}' is not a date (YYYY-MM-DD)`);
        if (value) filters[key] = value;
      }
      const { runAnalysis } = await import('../../analytics/run-analysis.js');
      const { resolveAnalysisFilters } = await import('../../analytics/analysis-filters.js');
      const { roundAnalysisDocument } = await import('../../analytics/rounded-analyses.js');
      const { auditDataRead } = await import('../../governance/data-reads.js');
      const { demoDataPresent } = await import('../../ingest/demo-data-repository.js');
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ config, database, policy, actor }) => {
        const resolved = await resolveAnalysisFilters(database, { ...filters, clients: options.client, industries: options.industry });
        if (!resolved.ok) {
          const flags = { clients: '--client', industries: '--industry' } as const;
          throw new MmError('MM_USAGE', resolved.problems.map((problem) => `${flags[problem.field]} '${problem.value}': ${problem.reason}`).join('; '));
        }
        const document = roundAnalysisDocument(await runAnalysis(database, config, { filters: resolved.filters, actor, review: policy.review }));
        // A new run is audited as analysis.run; showing a stored one again is a read of it (DESIGN section 7).
        if (document.cached) {
          const { version: datasetVersion, period, runId: target } = document;
          auditDataRead(database.kysely, { actor, what: 'analysis.run', via: 'cli analyze', filters: { ...resolved.filters }, datasetVersion, period, target });
        }
        const format = displayFormat(config.display.currency);
        const demo = await demoDataPresent(database.kysely);
        // On standard error, so --json stays one document (which carries `demo` too).
        if (demo) process.stderr.write(`${demoNotice}\n`);
        process.stdout.write(options.json ? `${JSON.stringify({ currency: format.currency, demo, ...document }, null, 2)}\n` : render(document, format));
      });
    });
}

export const demoNotice =
  'note: this database holds the bundled demo data, not yours; `moatmetrics import <dataset> <file> --replace-demo` replaces it with your own';

/** The client-filtered view shows who worked for the selection, not the team's utilization (see render). */
function isClientSelection(filters: AnalysisFilters): boolean {
  return Boolean(filters.clients?.length || filters.industries?.length);
}

function render(doc: AnalysisDocument, format: DisplayFormat): string {
  const { money, percent, hours } = format;
  const o = doc.overview.totals;
  const selection = isClientSelection(doc.filters);
  const out: string[] = [];
  out.push(
    `MoatMetrics analysis — ${doc.period.from} to ${doc.period.to}, dataset version ${doc.version}${doc.cached ? ' (stored result)' : ''}; amounts in ${format.currency}`,
  );
  out.push('');
  const label = selection ? 'Selection:' : 'Portfolio:';
  const indent = ' '.repeat(label.length + 1);
  out.push(
    `${label} revenue ${money(o.revenue)}, cost ${money(o.laborCost + o.licenseCost)} (labor ${money(o.laborCost)}, licenses ${money(o.licenseCost)}), gross profit ${money(o.grossProfit)}, margin ${percent(o.grossMarginPct)}`,
  );
  // Utilization is billable hours against the whole team's capacity: for a selection of clients it
  // would read as the team being idle, so the selection shows its hours and billable share only.
  const utilization = selection ? '' : `, staff utilization ${percent(o.staffUtilizationPct)}`;
  out.push(
    `${indent}${countOf(o.clientCount, 'client')}, ${hours(o.hours)} (${percent(o.billableRatioPct)} billable)${utilization}, license waste ${money(o.monthlyLicenseWaste)}/month`,
  );
  out.push(`${indent}confidence ${doc.overview.confidence.value.toFixed(2)} — ${reviewStatusLabels[doc.overview.review.status]}`);
  for (const assumption of doc.overview.assumptions) out.push(`${indent}note: ${assumption}`);
  out.push('');
  out.push('Profitability by client (worst margin first; EHR = effective hourly rate, revenue less license cost per hour worked)');
  out.push(
    textTable(
      ['client', 'revenue', 'labor', 'licenses', 'profit', 'margin', 'EHR', 'band', 'conf.', 'review'],
      doc.clients.map((c) => [
        c.clientName,
        money(c.revenue),
        money(c.laborCost),
        money(c.licenseCost),
        money(c.grossProfit),
        percent(c.grossMarginPct),
        money(c.effectiveHourlyRate),
        c.band ? bandLabels[c.band] : 'no revenue',
        c.confidence.value.toFixed(2),
        reviewStatusLabels[c.review.status],
      ]),
      ['revenue', 'labor', 'licenses', 'profit', 'margin', 'EHR'],
    ),
  );
  const actions = doc.licenses.positions.filter((p) => p.recommendation.action !== 'none');
  out.push('');
  out.push(`Licenses: ${money(doc.licenses.totalMonthlyWaste)}/month on unused seats; reclaiming saves ${money(doc.licenses.totalMonthlySavings)}/month`);
  for (const p of actions.slice(0, 15)) out.push(`  - ${p.recommendation.text}${p.review.status === 'pending_review' ? ' [PENDING REVIEW]' : ''}`);
  if (actions.length > 15) out.push(`  … and ${countOf(actions.length - 15, 'more recommendation')} (--json for all)`);
  out.push('');
  if (selection) {
    out.push('Hours logged for the selected clients, by staff member (utilization is team-wide: run analyze without --client or --industry to see it)');
    const worked = doc.staff.rows.filter((s) => s.hours > 0).sort((a, b) => b.hours - a.hours || a.staffName.localeCompare(b.staffName));
    out.push(
      worked.length === 0
        ? '  (no time logged for the selected clients in this period)'
        : textTable(
            ['staff', 'hours', 'billable', 'billable %'],
            worked.map((s) => [s.staffName, hours(s.hours), hours(s.billableHours), percent(s.billableRatioPct)]),
            ['hours', 'billable', 'billable %'],
          ),
    );
  } else {
    out.push('Staff utilization (billable hours / capacity; target 75 %)');
    out.push(
      textTable(
        ['staff', 'hours', 'billable', 'billable %', 'utilization', 'band'],
        doc.staff.rows.map((s) => [
          s.staffName,
          hours(s.hours),
          hours(s.billableHours),
          percent(s.billableRatioPct),
          percent(s.utilizationPct),
          s.band ? bandLabels[s.band] : '—',
        ]),
        ['hours', 'billable', 'billable %', 'utilization'],
      ),
    );
  }
  out.push('');
  out.push(`${countOf(doc.pendingReviews, 'result')} pending review. Results marked PENDING REVIEW are not yet approved.`);
  return `${out.join('\n')}\n`;
}
