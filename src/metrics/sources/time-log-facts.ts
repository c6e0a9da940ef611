import { sql, type Expression, type SqlBool } from 'kysely';
import type { DimensionName } from '../query-plan.js';
import { longLogCount, staffHourSums, timeLogSums } from './fact-sums.js';
import { edgeMonths, groupInside, groupStraddles, monthLiteral, straddledEdges, type EdgeMonth } from './rollup-period.js';
import { groupByDimensions, monthOf, quarterOf, toSourceRows, yearOf, type SourceContext, type SourceRow } from './source-context.js';

export const timeLogDimensions: readonly DimensionName[] = ['client', 'industry', 'staff', 'month', 'quarter', 'year'];

const sumNames = ['hours_milli', 'billable_milli', 'labor_millicents', 'default_rate_milli', 'time_log_count', 'long_log_count'] as const;

/**
 * Hours (integer milli-hours) and burdened labor cost (milli-hours × cents, exact) for the
 * period. Staff without a cost rate — or not in the staff list at all — cost the configured
 * default rate; the hours that did so are summed separately so results can say so.
 *
 * Three ways to the same sums, chosen by the question:
 * - per client (and industry, month, quarter, year): the client × month rollup, which
 *   holds labor already multiplied out per staff rate;
 * - per staff member: the staff × month rollup, joined to each member's rate;
 * - both at once (or `useRollups: false`): the rows, summed per client × staff first.
 * Rollups are read as rollup-period.ts describes, so all three are exact; a test checks
 * that they agree on many periods.
 */
export function timeLogFactsQuery(context: SourceContext, edges: EdgeMonth[] = edgeMonths(context.period)) {
  const path = pathOf(context);
  if (path === 'rows') return rowsQuery(context);
  return path === 'staff' ? staffRollupQuery(context, edges) : clientRollupQuery(context, edges);
}

export async function timeLogFacts(context: SourceContext): Promise<SourceRow[]> {
  const path = pathOf(context);
  const edges =
    path === 'rows'
      ? []
      : await straddledEdges(context.period, (edge) =>
          path === 'staff' ? straddlingStaff(context, edge).limit(1) : straddlingClients(context, edge).limit(1),
        );
  const rows = (await timeLogFactsQuery(context, edges).execute()) as Array<Record<string, unknown>>;
  return toSourceRows(rows, context.groupBy, sumNames);
}

function pathOf(context: SourceContext): 'rows' | 'client' | 'staff' {
  const byStaff = context.groupBy.includes('staff') || context.filters.staff !== undefined;
  const byClient =
    context.groupBy.some((d) => d === 'client' || d === 'industry') ||
    context.filters.clients !== undefined ||
    context.filters.industries !== undefined ||
    context.filters.clientStatuses !== undefined;
  if (context.useRollups === false || (byStaff && byClient)) return 'rows';
  return byStaff ? 'staff' : 'client';
}

const rate = (context: SourceContext) => sql`CAST(${context.defaultCostRateCents} AS BIGINT)`;

const staffKeysOf = (context: SourceContext) => context.filters.staff?.map((name) => name.trim().toLowerCase());

/** Clients (within the filter) whose time-log group of `edge` straddles the period. */
function straddlingClients(context: SourceContext, edge: EdgeMonth) {
  let query = context.db.selectFrom('rollup_time_client_month as r').select('r.client_id').where(groupStraddles(context.period, edge));
  if (context.filters.clients) query = query.where('r.client_id', 'in', context.filters.clients);
  return query;
}

/** Staff (within the filter) whose group of `edge` straddles the period. */
function straddlingStaff(context: SourceContext, edge: EdgeMonth) {
  const staffKeys = staffKeysOf(context);
  let query = context.db.selectFrom('rollup_time_staff_month as r').select('r.staff_key').where(groupStraddles(context.period, edge));
  if (staffKeys) query = query.where('r.staff_key', 'in', staffKeys);
  return query;
}

/** Per client × month groups inside P, plus the straddling groups' rows inside P. */
function clientRollupQuery(context: SourceContext, edges: EdgeMonth[]) {
  const { db, period, filters, groupBy } = context;
  let groups = db
    .selectFrom('rollup_time_client_month as r')
    .where(groupInside(period))
    .select([
      'r.client_id',
      'r.month',
      sql<number>`r.hours_milli`.as('hours_milli'),
      sql<number>`r.billable_milli`.as('billable_milli'),
      sql<number>`r.labor_known_millicents`.as('labor_known_millicents'),
      sql<number>`r.default_rate_milli`.as('default_rate_milli'),
      sql<number>`r.log_count`.as('log_count'),
      sql<number>`r.long_log_count`.as('long_log_count'),
    ]);
  if (filters.clients) groups = groups.where('r.client_id', 'in', filters.clients);
  for (const edge of edges) {
    const straddling = straddlingClients(context, edge);
    const part = db
      .selectFrom('time_logs as t')
      .leftJoin('staff as s', 's.staff_key', 't.staff_key')
      .where('t.client_id', 'in', straddling)
      .where(sql<SqlBool>`EXISTS ${straddling}`)
      .where('t.work_date', '>=', edge.from)
      .where('t.work_date', '<=', edge.to)
      .select(['t.client_id', monthLiteral(edge).as('month'), ...timeLogSums()])
      .groupBy('t.client_id');
    groups = groups.unionAll(part);
  }
  const dims: Record<string, Expression<unknown>> = {
    client: sql.ref('g.client_id'),
    industry: sql.ref('c.industry'),
    month: sql.ref('g.month'),
    quarter: quarterOf('g.month'),
    year: yearOf('g.month'),
  };
  let query = db
    .selectFrom(groups.as('g'))
    .innerJoin('clients as c', 'c.client_id', 'g.client_id')
    .select([
      sql<number>`SUM(g.hours_milli)`.as('hours_milli'),
      sql<number>`SUM(g.billable_milli)`.as('billable_milli'),
      sql<number>`SUM(g.labor_known_millicents) + SUM(g.default_rate_milli) * ${rate(context)}`.as('labor_millicents'),
      sql<number>`SUM(g.default_rate_milli)`.as('default_rate_milli'),
      sql<number>`SUM(g.log_count)`.as('time_log_count'),
      sql<number>`SUM(g.long_log_count)`.as('long_log_count'),
    ]);
  if (filters.industries) query = query.where('c.industry', 'in', filters.industries);
  if (filters.clientStatuses) query = query.where('c.status', 'in', filters.clientStatuses);
  query = groupByDimensions(query, groupBy, dims);
  if (groupBy.includes('client')) query = query.select(sql<string>`MAX(c.client_name)`.as('client_name'));
  return query;
}

/** Per staff × month groups inside P, plus the straddling groups' rows inside P. */
function staffRollupQuery(context: SourceContext, edges: EdgeMonth[]) {
  const { db, period, groupBy } = context;
  const staffKeys = staffKeysOf(context);
  let groups = db
    .selectFrom('rollup_time_staff_month as r')
    .where(groupInside(period))
    .select([
      'r.staff_key',
      'r.month',
      sql<number>`r.hours_milli`.as('hours_milli'),
      sql<number>`r.billable_milli`.as('billable_milli'),
      sql<number>`r.log_count`.as('log_count'),
      sql<number>`r.long_log_count`.as('long_log_count'),
    ]);
  if (staffKeys) groups = groups.where('r.staff_key', 'in', staffKeys);
  for (const edge of edges) {
    const straddling = straddlingStaff(context, edge);
    // The date range is read client by client off the (client, date) index — and not at
    // all when no group straddles (a constant condition both engines test once, first).
    const part = db
      .selectFrom('clients as c')
      .innerJoin('time_logs as t', 't.client_id', 'c.client_id')
      .where(sql<SqlBool>`EXISTS ${straddling}`)
      .where('t.work_date', '>=', edge.from)
      .where('t.work_date', '<=', edge.to)
      .where('t.staff_key', 'in', straddling)
      .select(['t.staff_key', monthLiteral(edge).as('month'), ...staffHourSums()])
      .groupBy('t.staff_key');
    groups = groups.unionAll(part);
  }
  const dims: Record<string, Expression<unknown>> = {
    staff: sql.ref('g.staff_key'),
    month: sql.ref('g.month'),
    quarter: quarterOf('g.month'),
    year: yearOf('g.month'),
  };
  let query = db
    .selectFrom(groups.as('g'))
    .leftJoin('staff as s', 's.staff_key', 'g.staff_key')
    .leftJoin('rollup_staff_name as n', 'n.staff_key', 'g.staff_key')
    .select([
      sql<number>`SUM(g.hours_milli)`.as('hours_milli'),
      sql<number>`SUM(g.billable_milli)`.as('billable_milli'),
      sql<number>`SUM(g.hours_milli * COALESCE(s.cost_rate_cents, ${rate(context)}))`.as('labor_millicents'),
      sql<number>`SUM(CASE WHEN s.cost_rate_cents IS NULL THEN g.hours_milli ELSE 0 END)`.as('default_rate_milli'),
      sql<number>`SUM(g.log_count)`.as('time_log_count'),
      sql<number>`SUM(g.long_log_count)`.as('long_log_count'),
    ]);
  query = groupByDimensions(query, groupBy, dims);
  if (groupBy.includes('staff')) query = query.select(sql<string>`MAX(n.staff_name)`.as('staff_name'));
  return query;
}

/**
 * From the rows: summed per client × staff (× month, quarter or year when asked) off the
 * (client, date) index, then those groups joined to clients and staff. Exact, because a
 * cost rate is constant per staff member.
 */
function rowsQuery(context: SourceContext) {
  const { db, period, filters, groupBy } = context;
  const timeDims: Record<string, Expression<unknown>> = {
    month: monthOf('t.work_date'),
    quarter: quarterOf('t.work_date'),
    year: yearOf('t.work_date'),
  };
  let inner = db
    .selectFrom('time_logs as t')
    .where('t.work_date', '>=', period.from)
    .where('t.work_date', '<=', period.to)
    .select([
      't.client_id',
      't.staff_key',
      sql<number>`SUM(t.hours_milli)`.as('hours_milli'),
      sql<number>`SUM(CASE WHEN t.billable = 1 THEN t.hours_milli ELSE 0 END)`.as('billable_milli'),
      sql<number>`COUNT(*)`.as('log_count'),
      longLogCount(),
    ])
    .groupBy(['t.client_id', 't.staff_key']);
  // The display name is not in the covering index: read it only when staff are listed.
  if (groupBy.includes('staff')) inner = inner.select(sql<string>`MAX(t.staff_name)`.as('staff_name'));
  if (filters.clients) inner = inner.where('t.client_id', 'in', filters.clients);
  const staffKeys = staffKeysOf(context);
  if (staffKeys) inner = inner.where('t.staff_key', 'in', staffKeys);
  for (const dim of groupBy) {
    const expression = timeDims[dim];
    if (expression) inner = inner.select(sql`${expression}`.as(`t_${dim}`)).groupBy(sql`${expression}` as Expression<SqlBool>);
  }
  const dims: Record<string, Expression<unknown>> = {
    client: sql.ref('g.client_id'),
    industry: sql.ref('c.industry'),
    staff: sql.ref('g.staff_key'),
    month: sql.ref('g.t_month'),
    quarter: sql.ref('g.t_quarter'),
    year: sql.ref('g.t_year'),
  };
  let query = db
    .selectFrom(inner.as('g'))
    .innerJoin('clients as c', 'c.client_id', 'g.client_id')
    .leftJoin('staff as s', 's.staff_key', 'g.staff_key')
    .select([
      sql<number>`SUM(g.hours_milli)`.as('hours_milli'),
      sql<number>`SUM(g.billable_milli)`.as('billable_milli'),
      sql<number>`SUM(g.hours_milli * COALESCE(s.cost_rate_cents, ${rate(context)}))`.as('labor_millicents'),
      sql<number>`SUM(CASE WHEN s.cost_rate_cents IS NULL THEN g.hours_milli ELSE 0 END)`.as('default_rate_milli'),
      sql<number>`SUM(g.log_count)`.as('time_log_count'),
      sql<number>`SUM(g.long_log_count)`.as('long_log_count'),
    ]);
  if (filters.industries) query = query.where('c.industry', 'in', filters.industries);
  if (filters.clientStatuses) query = query.where('c.status', 'in', filters.clientStatuses);
  query = groupByDimensions(query, groupBy, dims);
  if (groupBy.includes('client')) query = query.select(sql<string>`MAX(c.client_name)`.as('client_name'));
  if (groupBy.includes('staff')) query = query.select(sql<string>`MAX(g.staff_name)`.as('staff_name'));
  return query;
}
