import type { Command } from 'commander';
import { bandLabels } from '../../analytics/bands.js';
import type { AnalysisFilters } from '../../analytics/analysis-filters.js';
import { runAnalysis, type AnalysisDocument } from '../../analytics/run-analysis.js';
import { MmError } from '../../errors.js';
import { reviewStatusLabels } from '../../governance/review-policy.js';
import { clientNameKey } from '../../ingest/datasets/clients.js';
import type { Database } from '../../storage/database.js';
import { withContext, type GlobalOptions } from '../cli-context.js';
import { textTable } from '../text-table.js';

interface AnalyzeOptions {
  from?: string;
  to?: string;
  client?: string[];
  industry?: string[];
  json?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];

export function registerAnalyzeCommand(program: Command): void {
  program
    .command('analyze')
    .description('Profitability by client, license efficiency, staff utilization and trends, with confidence and review status')
    .option('--from <date>', 'start of the period (YYYY-MM-DD; default: earliest data)')
    .option('--to <date>', 'end of the period (YYYY-MM-DD; default: latest data)')
    .option('--client <id or name>', 'only these clients (repeat or comma-separate)', collect)
    .option('--industry <name>', 'only clients in these industries (repeat or comma-separate)', collect)
    .option('--json', 'print the whole result as one JSON document')
    .action(async (options: AnalyzeOptions, command: Command) => {
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ config, database, policy, actor }) => {
        const filters: AnalysisFilters = {};
        for (const [key, value] of [['from', options.from], ['to', options.to]] as const) {
          if (value !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new MmError('MM_USAGE', `--${key} '${value}' is not a date (YYYY-MM-DD)`);
          if (value) filters[key] = value;
        }
        if (options.client) filters.clients = await resolveClients(database, options.client);
        if (options.industry) filters.industries = options.industry;
        const document = await runAnalysis(database, config, { filters, actor, review: policy.review });
        process.stdout.write(options.json ? `${JSON.stringify(document, null, 2)}\n` : render(document));
      });
    });
}

/** Accepts client ids or names (case-insensitive); an unknown one is an error naming it. */
async function resolveClients(database: Database, wanted: string[]): Promise<string[]> {
  const clients = await database.kysely.selectFrom('clients').select(['client_id', 'client_name_key']).execute();
  return wanted.map((w) => {
    const found = clients.find((c) => c.client_id === w || c.client_name_key === clientNameKey(w));
    if (!found) throw new MmError('MM_USAGE', `--client '${w}': no client has this id or name`);
    return found.client_id;
  });
}

const money = (v: number | null): string => (v === null ? '—' : `${v < 0 ? '-' : ''}$${Math.abs(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);
const pct = (v: number | null): string => (v === null ? '—' : `${v.toFixed(1)} %`);

function render(doc: AnalysisDocument): string {
  const o = doc.overview.totals;
  const out: string[] = [];
  out.push(`MoatMetrics analysis — ${doc.period.from} to ${doc.period.to}, dataset version ${doc.version}${doc.cached ? ' (stored result)' : ''}`);
  out.push('');
  out.push(`Portfolio: revenue ${money(o.revenue)}, cost ${money(o.laborCost + o.licenseCost)} (labor ${money(o.laborCost)}, licenses ${money(o.licenseCost)}), gross profit ${money(o.grossProfit)}, margin ${pct(o.grossMarginPct)}`);
  out.push(`           ${o.clientCount} clients, ${o.hours} h (${pct(o.billableRatioPct)} billable), staff utilization ${pct(o.staffUtilizationPct)}, license waste ${money(o.monthlyLicenseWaste)}/month`);
  out.push(`           confidence ${doc.overview.confidence.value.toFixed(2)} — ${reviewStatusLabels[doc.overview.review.status]}`);
  for (const assumption of doc.overview.assumptions) out.push(`           note: ${assumption}`);
  out.push('');
  out.push('Profitability by client (worst margin first)');
  out.push(
    textTable(
      ['client', 'revenue', 'labor', 'licenses', 'profit', 'margin', '$/h', 'band', 'conf.', 'review'],
      doc.clients.map((c) => [
        c.clientName,
        money(c.revenue),
        money(c.laborCost),
        money(c.licenseCost),
        money(c.grossProfit),
        pct(c.grossMarginPct),
        c.effectiveHourlyRate === null ? '—' : c.effectiveHourlyRate.toFixed(2),
        c.band ? bandLabels[c.band] : 'no revenue',
        c.confidence.value.toFixed(2),
        reviewStatusLabels[c.review.status],
      ]),
    ),
  );
  const actions = doc.licenses.positions.filter((p) => p.recommendation.action !== 'none');
  out.push('');
  out.push(`Licenses: ${money(doc.licenses.totalMonthlyWaste)}/month on unused seats; reclaiming saves ${money(doc.licenses.totalMonthlySavings)}/month`);
  for (const p of actions.slice(0, 15)) out.push(`  - ${p.recommendation.text}${p.review.status === 'pending_review' ? ' [PENDING REVIEW]' : ''}`);
  if (actions.length > 15) out.push(`  … and ${actions.length - 15} more (--json for all)`);
  out.push('');
  out.push('Staff utilization (billable hours / capacity; target 75 %)');
  out.push(
    textTable(
      ['staff', 'hours', 'billable', 'billable %', 'utilization', 'band'],
      doc.staff.rows.map((s) => [s.staffName, s.hours, s.billableHours, pct(s.billableRatioPct), pct(s.utilizationPct), s.band ? bandLabels[s.band] : '—']),
    ),
  );
  out.push('');
  out.push(`${doc.pendingReviews} result${doc.pendingReviews === 1 ? '' : 's'} pending review. Results marked PENDING REVIEW are not yet approved.`);
  return `${out.join('\n')}\n`;
}
