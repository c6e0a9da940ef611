import type { Config } from '../config/schema.js';
import { bootstrapInterval, type Interval } from '../explain/bootstrap.js';
import { computeConfidence, type Confidence } from '../explain/confidence.js';
import { marginAttribution, type MetricAttribution } from '../explain/shapley.js';
import { daysIn, monthsTouched, type Period } from '../metrics/period.js';
import { runQuery } from '../metrics/run-query.js';
import { LONG_TIME_LOG_MILLI } from '../metrics/sources/fact-sums.js';
import { displayFormat, type DisplayFormat } from '../present/display-format.js';
import { PERCENT_DECIMALS, roundPartsToTotal, roundPercent } from '../present/rounding.js';
import type { Database } from '../storage/database.js';
import type { AnalysisFilters } from './analysis-filters.js';
import { bandLabels } from './bands.js';
import type { ProfitabilityRow } from './profitability.js';

export interface ClientInsight {
  confidence: Confidence;
  /** Bootstrap interval of the gross margin % over the client's months; null when too few months. */
  marginInterval: Interval | null;
  explanation: string[];
  /** Exact Shapley split of (margin − baseline margin) between revenue, labor and license cost. */
  attribution: MetricAttribution<'revenue' | 'labor_cost' | 'license_cost'>;
  baseline: { label: string; revenue: number; labor_cost: number; license_cost: number };
}

interface MonthFacts {
  revenue: number;
  labor: number;
  license: number;
  invoices: number;
  logs: number;
}

/**
 * Confidence, uncertainty, explanation and attribution for each client's profitability.
 * Data quality comes from the same metric layer (client × month), so it is scoped exactly
 * like the numbers it qualifies.
 */
export async function clientInsights(
  database: Database,
  config: Config,
  rows: ProfitabilityRow[],
  context: { period: Period; version: number; filters: AnalysisFilters; asOf: string },
): Promise<Map<string, ClientInsight>> {
  const monthly = await runQuery(database, config, {
    measures: ['revenue', 'labor_cost', 'license_cost', 'invoice_count', 'hours'],
    groupBy: ['client', 'month'],
    filters: { ...context.filters, from: context.period.from, to: context.period.to },
  });
  const months = new Map<string, Map<string, MonthFacts>>();
  monthly.rows.forEach((row, i) => {
    const client = row.client ?? '';
    if (!months.has(client)) months.set(client, new Map());
    months.get(client)!.set(row.month ?? '', {
      revenue: row.revenue ?? 0,
      labor: row.labor_cost ?? 0,
      license: row.license_cost ?? 0,
      invoices: row.invoice_count ?? 0,
      logs: monthly.sums[i]!.time_log_count ?? 0,
    });
  });

  const baseline = medianClient(rows);
  // Recency is judged against the as-of date (config analytics.as_of, else today), never
  // against the period's end: the default period ends on the newest data date, so data
  // would always look fresh however old it is.
  const { asOf } = context;
  const monthCount = monthsTouched(context.period);
  const format = displayFormat(config.display.currency);
  const insights = new Map<string, ClientInsight>();
  for (const row of rows) {
    const facts = [...(months.get(row.clientId)?.entries() ?? [])].sort(([a], [b]) => (a < b ? -1 : 1));
    const withInvoices = facts.filter(([, f]) => f.invoices > 0).map(([m]) => m);
    const withLogs = facts.filter(([, f]) => f.logs > 0).map(([m]) => m);
    const latest = [...withInvoices, ...withLogs].sort().at(-1);
    const hoursTotal = (row.sums.hours_milli ?? 0) / 1000;
    const defaultHours = (row.sums.default_rate_milli ?? 0) / 1000;
    const timeLogs = row.sums.time_log_count ?? 0;
    const assumptions =
      defaultHours > 0 ? [`${format.hours(defaultHours)} costed at the default rate ${format.money(config.analytics.default_cost_rate)}/h`] : [];
    const confidence = computeConfidence({
      hoursTotal,
      hoursWithCostRate: hoursTotal - defaultHours,
      invoiceCount: row.sums.invoice_count ?? 0,
      timeLogCount: timeLogs,
      monthsCovered: monthCount,
      monthsWithInvoices: withInvoices.length,
      monthsWithTimeLogs: withLogs.length,
      daysSinceLatestData: latest ? Math.max(0, daysIn({ from: endOfMonth(latest), to: asOf }) - 1) : daysIn(context.period),
      missingFieldShare: 0,
      outlierShare: timeLogs === 0 ? 0 : (row.sums.long_log_count ?? 0) / timeLogs,
      outlierRule: `time entries over ${LONG_TIME_LOG_MILLI / 1000} hours (a timer left running, or days booked as one entry)`,
      assumptions,
      defaultCostRate: config.analytics.default_cost_rate,
    });
    const observations = facts.map(([, f]) => f);
    const marginInterval = bootstrapInterval(
      observations,
      (sample) => {
        const revenue = sample.reduce((s, f) => s + f.revenue, 0);
        if (revenue === 0) return null;
        return (100 * (revenue - sample.reduce((s, f) => s + f.labor + f.license, 0))) / revenue;
      },
      { seed: 20240501 },
    );
    const attribution = marginAttribution({ revenue: row.revenue, labor_cost: row.laborCost, license_cost: row.licenseCost }, baseline);
    insights.set(row.clientId, {
      confidence,
      marginInterval,
      explanation: explain(row, context, confidence, attribution, baseline, config, format),
      attribution,
      baseline: { label: 'portfolio median client', ...baseline },
    });
  }
  return insights;
}

/** Median revenue, labor and license cost over the clients with revenue: the "typical client". */
function medianClient(rows: ProfitabilityRow[]): { revenue: number; labor_cost: number; license_cost: number } {
  const paying = rows.filter((r) => r.revenue > 0);
  const median = (values: number[]): number => {
    if (values.length === 0) return 0;
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  return {
    revenue: median(paying.map((r) => r.revenue)),
    labor_cost: median(paying.map((r) => r.laborCost)),
    license_cost: median(paying.map((r) => r.licenseCost)),
  };
}

function endOfMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

function explain(
  row: ProfitabilityRow,
  context: { period: Period; version: number; filters: AnalysisFilters },
  confidence: Confidence,
  attribution: ClientInsight['attribution'],
  baseline: { revenue: number; labor_cost: number; license_cost: number },
  config: Config,
  format: DisplayFormat,
): string[] {
  const { money, percent } = format;
  const lines: string[] = [];
  const scope = [context.filters.industries ? `industries ${context.filters.industries.join(', ')}` : null].filter(Boolean).join('; ');
  lines.push(
    `Gross margin = (revenue − labor cost − license cost) / revenue, for ${row.clientName} from ${context.period.from} to ${context.period.to} (dataset version ${context.version}${scope ? `; ${scope}` : ''}).`,
  );
  lines.push(
    `Revenue ${money(row.revenue)} (invoices not void or draft, credit notes included); labor ${money(row.laborCost)} (${format.hours(row.hours)} at each technician's burdened cost rate, ${money(config.analytics.default_cost_rate)}/h where none is known); licenses ${money(row.licenseCost)} (monthly cost × months active).`,
  );
  if (row.grossMarginPct === null) {
    lines.push(`There is no revenue in the period, so the margin is undefined; the client cost ${money(row.totalCost)}.`);
  } else {
    lines.push(`Gross profit ${money(row.grossProfit)}, margin ${percent(row.grossMarginPct)} (${row.band ? bandLabels[row.band] : 'no band'}).`);
  }
  if (attribution.contributions) {
    // Rounded as the API shows them (src/present/rounded-analyses.ts): the points named add up to the difference named.
    const difference = roundPercent(attribution.value) - roundPercent(attribution.baselineValue);
    const drivers = Object.entries(attribution.contributions);
    const shown = roundPartsToTotal(
      drivers.map(([, points]) => points),
      difference,
      PERCENT_DECIMALS,
    );
    const parts = drivers
      .map(([driver], i) => ({ driver, points: shown[i]! }))
      .sort((a, b) => Math.abs(b.points) - Math.abs(a.points))
      .map(({ driver, points }) => `${driver.replace('_', ' ')} ${signed(points, format)} pts`);
    lines.push(
      `Against the portfolio median client (revenue ${money(baseline.revenue)}, margin ${percent(attribution.baselineValue)}), the ${signed(difference, format)} point difference comes from: ${parts.join(', ')}.`,
    );
  }
  const weakest = [...confidence.factors].sort((a, b) => b.contribution - a.contribution)[0];
  if (weakest && weakest.contribution > 0)
    lines.push(`Confidence ${confidence.value.toFixed(2)}: mostly lowered by ${weakest.label.toLowerCase()} — ${weakest.detail}.`);
  return lines;
}

/** `+4.25`, `-41.25`, `0.00`: one ASCII sign, none on a value that rounds to zero. */
function signed(points: number, format: DisplayFormat): string {
  const shown = format.decimal(Math.abs(points));
  const rounded = roundPercent(points);
  return rounded > 0 ? `+${shown}` : rounded < 0 ? `-${shown}` : shown;
}
