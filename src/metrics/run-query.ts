import type { Config } from '../config/schema.js';
import { MmError } from '../errors.js';
import { displayFormat } from '../present/display-format.js';
import { roundHalfAwayFromZero } from '../present/rounding.js';
import type { Database } from '../storage/database.js';
import { currentVersionNumber } from '../versions/versions-repository.js';
import { monthsTouched, type Period } from './period.js';
import { cachedResult, storeResult } from './result-cache.js';
import { queryPlanSchema, type DimensionName, type MeasureName, type QueryPlan, type QueryPlanInput } from './query-plan.js';
import { invoiceDimensions, invoiceFacts } from './sources/invoice-facts.js';
import { licenseCostDimensions, licenseCostFacts, licenseSeatDimensions, licenseSeatFacts } from './sources/license-facts.js';
import type { SourceContext, SourceRow } from './sources/source-context.js';
import { timeLogDimensions, timeLogFacts } from './sources/time-log-facts.js';
import { clientCountFacts, clientFacts } from './sources/client-facts.js';
import { dataDateRange } from './sources/data-date-range.js';
import { staffCapacityFacts } from './sources/staff-capacity-facts.js';

/** One result row: its group values, labels and the requested measures. */
export type MetricRow = Partial<Record<DimensionName, string | null>> & {
  client_name?: string | null;
  staff_name?: string | null;
} & Partial<Record<MeasureName, number | null>>;

export interface MetricResult {
  plan: QueryPlan;
  period: Period;
  /** The dataset version the numbers were computed on. */
  version: number;
  rows: MetricRow[];
  /** Raw integer sums per row (same order), for confidence and explanations. */
  sums: Array<Record<string, number>>;
  assumptions: string[];
}

type Source = 'invoices' | 'time_logs' | 'license_cost' | 'license_seats' | 'staff_capacity';

/** Which fact sources a measure needs. Derived measures need all of their inputs' sources. */
const measureSources: Record<MeasureName, Source[]> = {
  revenue: ['invoices'],
  collected_revenue: ['invoices'],
  outstanding: ['invoices'],
  invoice_count: ['invoices'],
  hours: ['time_logs'],
  billable_hours: ['time_logs'],
  non_billable_hours: ['time_logs'],
  labor_cost: ['time_logs'],
  license_cost: ['license_cost'],
  total_cost: ['time_logs', 'license_cost'],
  gross_profit: ['invoices', 'time_logs', 'license_cost'],
  gross_margin_pct: ['invoices', 'time_logs', 'license_cost'],
  effective_hourly_rate: ['invoices', 'time_logs', 'license_cost'],
  seats_purchased: ['license_seats'],
  seats_used: ['license_seats'],
  license_utilization_pct: ['license_seats'],
  unused_seats: ['license_seats'],
  over_assigned_seats: ['license_seats'],
  license_waste: ['license_seats'],
  billable_ratio_pct: ['time_logs'],
  staff_utilization_pct: ['time_logs', 'staff_capacity'],
  client_count: [],
  all_invoice_count: ['invoices'],
  time_entry_count: ['time_logs'],
  hours_per_time_entry: ['time_logs'],
  average_monthly_revenue: ['invoices'],
  contract_value: [],
  average_contract_value: [],
  license_count: ['license_seats'],
  staff_count: ['staff_capacity'],
};

/** Measures read from the client list itself (no fact table): counts and contract values. */
const clientListMeasures: readonly MeasureName[] = ['client_count', 'contract_value', 'average_contract_value'];

const sourceDimensions: Record<Source, readonly DimensionName[]> = {
  invoices: invoiceDimensions,
  time_logs: timeLogDimensions,
  license_cost: licenseCostDimensions,
  license_seats: licenseSeatDimensions,
  staff_capacity: ['staff', 'month', 'quarter'],
};

const whyNot: Partial<Record<DimensionName, string>> = {
  staff: 'invoices and licenses are not assigned to staff',
  product: 'only licenses have a product',
  vendor: 'only licenses have a vendor',
  invoice_status: 'only invoices have a status',
  month: 'seat counts are a snapshot, not a monthly flow',
  quarter: 'seat counts are a snapshot, not a monthly flow',
  year: 'seat counts are a snapshot, not a monthly flow',
};

/** How `runQuery` may answer: from its cache, from the rollups, or from the rows. */
export interface RunQueryOptions {
  /** `false` computes again instead of answering from the in-memory cache. */
  useCache?: boolean;
  /** `false` sums the rows instead of reading the monthly rollups (same answer; for tests and benchmarks). */
  useRollups?: boolean;
  /**
   * The current dataset version, when the caller has just read it (src/nl/ask.ts reads it
   * once per question for its own cache): saves reading it again.
   */
  version?: number;
}

/**
 * Answers a QueryPlan from the current data. Each fact source is aggregated in SQL with
 * exact integer sums (cents, milli-hours); the derived measures (margin, rates, ratios) are
 * computed here from those sums — the one place in the product where that happens.
 */
export async function runQuery(database: Database, config: Config, input: QueryPlanInput, options: RunQueryOptions = {}): Promise<MetricResult> {
  const plan = validatePlan(input);
  const version = options.version ?? (await currentVersionNumber(database.kysely));
  const cacheKey = resultCacheKey(plan, version, config, options);
  const cached = options.useCache === false ? undefined : cachedResult<MetricResult>(database, cacheKey);
  if (cached) return cached;
  const result = finishQuery(config, plan, await evaluateSources(database, config, plan, version, options.useRollups !== false));
  storeResult(database, cacheKey, result);
  return result;
}

/**
 * Answers several plans, reading the fact sources once for every group of plans that need
 * the same sources under the same grouping, filters and period — "revenue by client",
 * "invoices per client" and "clients with revenue over $10k" are one pass over invoices —
 * and then deriving, filtering, sorting and limiting each plan's rows from those sums as
 * `runQuery` does. Results are in the order of `inputs`, equal to what `runQuery` returns
 * for each (an invalid plan gets its MM_QUERY_INVALID error in its place), and go into (and
 * come from) the same cache. `sourcePasses`: how many shared evaluations were read.
 */
export async function runQueries(
  database: Database,
  config: Config,
  inputs: readonly QueryPlanInput[],
  options: RunQueryOptions = {},
): Promise<{ results: Array<MetricResult | MmError>; sourcePasses: number }> {
  const plans = inputs.map((input) => {
    try {
      return validatePlan(input);
    } catch (error) {
      if (error instanceof MmError) return error;
      throw error;
    }
  });
  const version = await currentVersionNumber(database.kysely);
  const useRollups = options.useRollups !== false;
  const results: Array<MetricResult | MmError | undefined> = plans.map((plan) =>
    plan instanceof MmError
      ? plan
      : options.useCache === false
        ? undefined
        : cachedResult<MetricResult>(database, resultCacheKey(plan, version, config, options)),
  );
  const shared = new Map<string, Promise<SourceEvaluation>>();
  for (const [i, plan] of plans.entries()) {
    if (results[i] || plan instanceof MmError) continue;
    const key = sharedEvaluationKey(plan);
    let evaluation = shared.get(key);
    if (!evaluation) {
      evaluation = evaluateSources(database, config, plan, version, useRollups);
      shared.set(key, evaluation);
    }
    try {
      const result = finishQuery(config, plan, await evaluation);
      storeResult(database, resultCacheKey(plan, version, config, options), result);
      results[i] = result;
    } catch (error) {
      // An empty period is this plan's (and its group's) problem, not the whole call's.
      if (!(error instanceof MmError)) throw error;
      results[i] = error;
    }
  }
  return { results: results as Array<MetricResult | MmError>, sourcePasses: shared.size };
}

/** The parsed plan, or MM_QUERY_INVALID naming what is wrong with it. */
function validatePlan(input: QueryPlanInput): QueryPlan {
  const parsed = queryPlanSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MmError('MM_QUERY_INVALID', `query plan: ${issue.path.join('.') || '(plan)'}: ${issue.message}`);
  }
  const plan = parsed.data;
  for (const measure of plan.measures) {
    for (const source of measureSources[measure]) {
      const bad = plan.groupBy.find((dim) => !sourceDimensions[source].includes(dim));
      if (bad) throw new MmError('MM_QUERY_INVALID', `${measure} cannot be grouped by ${bad}: ${whyNot[bad] ?? 'not supported'}`);
    }
  }
  const listMeasure = plan.measures.find((m) => clientListMeasures.includes(m));
  if (listMeasure && plan.groupBy.some((d) => d !== 'client' && d !== 'industry')) {
    throw new MmError('MM_QUERY_INVALID', `${listMeasure} can only be grouped by client or industry`);
  }
  return plan;
}

function resultCacheKey(plan: QueryPlan, version: number, config: Config, options: RunQueryOptions): string {
  // The currency only names amounts in the assumptions' text, but that text is part of the answer.
  return JSON.stringify([plan, version, config.analytics.default_cost_rate, config.display.currency, options.useRollups !== false]);
}

/** Which sources a plan reads (the client list counts as one): plans with equal sources, grouping and filters share their sums. */
function sourcesOf(plan: QueryPlan): { sources: Set<Source>; clientList: boolean } {
  return { sources: new Set(plan.measures.flatMap((m) => measureSources[m])), clientList: plan.measures.some((m) => clientListMeasures.includes(m)) };
}

/** Everything the sums of a plan depend on: not its measures, thresholds, sort or limit (those are applied to the sums). */
function sharedEvaluationKey(plan: QueryPlan): string {
  const { sources, clientList } = sourcesOf(plan);
  const { thresholds: _thresholds, ...filters } = plan.filters;
  return JSON.stringify([[...sources].sort(), clientList, plan.groupBy, filters]);
}

/** The integer sums of every group of a plan, read from its fact sources. */
interface SourceEvaluation {
  period: Period;
  version: number;
  groups: Array<{ dims: MetricRow; sums: Record<string, number> }>;
}

async function evaluateSources(database: Database, config: Config, plan: QueryPlan, version: number, useRollups: boolean): Promise<SourceEvaluation> {
  const { sources, clientList } = sourcesOf(plan);
  const period = await resolvePeriod(database, plan, version);
  const context: SourceContext = {
    db: database.kysely,
    period,
    filters: plan.filters,
    groupBy: plan.groupBy,
    defaultCostRateCents: Math.round(config.analytics.default_cost_rate * 100),
    useRollups,
  };

  const groups = new Map<string | null, { dims: MetricRow; sums: Record<string, number> }>();
  const merge = (rows: SourceRow[]): void => {
    const single = plan.groupBy.length === 1 ? plan.groupBy[0]! : null;
    for (const row of rows) {
      // One dimension (the common case): its value is the key; null cannot collide with a string key.
      const key = single ? (row.dims[single] ?? null) : JSON.stringify(plan.groupBy.map((d) => row.dims[d] ?? null));
      let group = groups.get(key);
      if (!group) {
        group = { dims: { ...row.dims }, sums: {} };
        groups.set(key, group);
      }
      if (row.labels.client_name) group.dims.client_name = row.labels.client_name;
      if (row.labels.staff_name) group.dims.staff_name = row.labels.staff_name;
      for (const [name, value] of Object.entries(row.sums)) group.sums[name] = (group.sums[name] ?? 0) + value;
    }
  };
  // Every client (or staff member) in scope gets a row, even one with no data in the period.
  if (plan.groupBy.length === 1 && plan.groupBy[0] === 'client') merge(await clientFacts(context));
  if (clientList) merge(await clientCountFacts(context));
  if (sources.has('invoices')) merge(await invoiceFacts(context));
  if (sources.has('time_logs')) merge(await timeLogFacts(context));
  if (sources.has('license_cost')) merge(await licenseCostFacts(context));
  if (sources.has('license_seats')) merge(await licenseSeatFacts(context));
  if (sources.has('staff_capacity')) merge(await staffCapacityFacts(context));
  if (groups.size === 0 && plan.groupBy.length === 0) groups.set('[]', { dims: {}, sums: {} });
  return { period, version, groups: [...groups.values()] };
}

/** A plan's rows from the sums: its measures derived, its thresholds, sort and limit applied. */
function finishQuery(config: Config, plan: QueryPlan, { period, version, groups }: SourceEvaluation): MetricResult {
  const assumptions: string[] = [];
  const months = monthsTouched(period);
  let rows = groups.map((group) => ({ row: { ...group.dims, ...derive(plan.measures, group.sums, months) }, sums: { ...group.sums } }));
  const defaultHours = rows.reduce((sum, r) => sum + (r.sums.default_rate_milli ?? 0), 0) / 1000;
  if (defaultHours > 0 && plan.measures.some((m) => measureSources[m].includes('time_logs') && /cost|profit|margin|rate/.test(m))) {
    const { hours, money } = displayFormat(config.display.currency);
    assumptions.push(`${hours(defaultHours)} were costed at the default rate ${money(config.analytics.default_cost_rate)}/h (staff without a cost rate)`);
  }

  for (const threshold of plan.filters.thresholds ?? []) {
    rows = rows.filter(({ row }) => compare(row[threshold.measure] ?? null, threshold.op, threshold.value));
  }
  const sort = plan.sort ?? plan.groupBy.map((by) => ({ by, direction: 'asc' as const }));
  rows.sort((a, b) => {
    for (const { by, direction } of sort) {
      const [x, y] = [a.row[by as keyof MetricRow] ?? null, b.row[by as keyof MetricRow] ?? null];
      // A row without a value (a margin with no revenue) is last whichever way the rest are sorted.
      if ((x === null) !== (y === null)) return x === null ? 1 : -1;
      const order = compareValues(x, y);
      if (order !== 0) return direction === 'desc' ? -order : order;
    }
    return compareValues(JSON.stringify(a.row), JSON.stringify(b.row));
  });
  if (plan.limit) rows = rows.slice(0, plan.limit);
  return { plan, period, version, rows: rows.map((r) => r.row), sums: rows.map((r) => r.sums), assumptions };
}

/**
 * The measures of one group, from its integer sums; money in dollars (2 decimals).
 * `months` is months(P), for the per-month averages.
 */
export function derive(measures: readonly MeasureName[], sums: Record<string, number>, months = 1): Partial<Record<MeasureName, number | null>> {
  const out: Partial<Record<MeasureName, number | null>> = {};
  for (const measure of measures) out[measure] = measureValue(measure, sums, months);
  return out;
}

/** One measure from the integer sums (a switch, not a table of closures: this runs for every row of every answer). */
function measureValue(measure: MeasureName, sums: Record<string, number>, months: number): number | null {
  const s = (name: string): number => sums[name] ?? 0;
  const revenueCents = s('revenue_cents');
  const laborCents = s('labor_millicents') / 1000;
  const licenseCents = s('license_cost_cents');
  const hours = s('hours_milli') / 1000;
  switch (measure) {
    case 'revenue':
      return money(revenueCents);
    case 'collected_revenue':
      return money(s('collected_cents'));
    case 'outstanding':
      return money(s('outstanding_cents'));
    case 'invoice_count':
      return s('invoice_count');
    case 'hours':
      return round(hours, 3);
    case 'billable_hours':
      return round(s('billable_milli') / 1000, 3);
    case 'non_billable_hours':
      return round((s('hours_milli') - s('billable_milli')) / 1000, 3);
    case 'labor_cost':
      return money(laborCents);
    case 'license_cost':
      return money(licenseCents);
    case 'total_cost':
      return money(laborCents + licenseCents);
    case 'gross_profit':
      return money(revenueCents - laborCents - licenseCents);
    case 'gross_margin_pct':
      return revenueCents === 0 ? null : round((100 * (revenueCents - laborCents - licenseCents)) / revenueCents, 2);
    case 'effective_hourly_rate':
      return hours === 0 ? null : round((revenueCents - licenseCents) / 100 / hours, 2);
    case 'seats_purchased':
      return s('seats_purchased');
    case 'seats_used':
      return s('seats_used');
    case 'license_utilization_pct':
      return s('seats_purchased') === 0 ? null : round((100 * s('seats_used')) / s('seats_purchased'), 2);
    case 'unused_seats':
      return s('unused_seats');
    case 'over_assigned_seats':
      return s('over_assigned_seats');
    case 'license_waste':
      return money(s('waste_cents'));
    case 'billable_ratio_pct':
      return hours === 0 ? null : round((100 * s('billable_milli')) / s('hours_milli'), 2);
    case 'staff_utilization_pct':
      return s('capacity_milli') === 0 ? null : round((100 * s('billable_milli')) / s('capacity_milli'), 2);
    case 'client_count':
      return s('client_count');
    case 'all_invoice_count':
      return s('invoice_rows');
    case 'time_entry_count':
      return s('time_log_count');
    case 'hours_per_time_entry':
      return s('time_log_count') === 0 ? null : round(hours / s('time_log_count'), 2);
    case 'average_monthly_revenue':
      return months <= 0 ? null : money(revenueCents / months);
    case 'contract_value':
      return money(s('contract_value_cents'));
    case 'average_contract_value':
      return s('contract_value_clients') === 0 ? null : money(s('contract_value_cents') / s('contract_value_clients'));
    case 'license_count':
      return s('license_count');
    case 'staff_count':
      return s('staff_count');
  }
}

function money(cents: number): number {
  return round(cents / 100, 2);
}

/**
 * Half away from zero at `digits` decimals, without binary-float surprises like 1.005 → 1.00:
 * the rule every shown number follows. The measures are defined at this precision (money in
 * cents, percentages in hundredths, hours in the thousandths the data holds).
 */
export const round = roundHalfAwayFromZero;

function compare(value: number | null, op: string, target: number): boolean {
  if (value === null) return false;
  switch (op) {
    case '<':
      return value < target;
    case '<=':
      return value <= target;
    case '>':
      return value > target;
    case '>=':
      return value >= target;
    case '=':
      return value === target;
    default:
      return value !== target;
  }
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

/** DESIGN section 4: the default period runs from the earliest to the latest invoice or time-log date. */
async function resolvePeriod(database: Database, plan: QueryPlan, version: number): Promise<Period> {
  if (plan.filters.from && plan.filters.to) return { from: plan.filters.from, to: plan.filters.to };
  const range = await dataDateRange(database, version);
  const today = new Date().toISOString().slice(0, 10);
  const period = {
    from: plan.filters.from ?? range.from ?? today,
    to: plan.filters.to ?? range.to ?? today,
  };
  if (period.from > period.to) {
    throw new MmError(
      'MM_QUERY_INVALID',
      `the period ${period.from} to ${period.to} is empty: the data ${plan.filters.from ? 'ends' : 'starts'} on ${plan.filters.from ? period.to : period.from}`,
    );
  }
  return period;
}
