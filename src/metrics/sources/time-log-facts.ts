import { sql, type Expression, type SqlBool } from 'kysely';
import type { DimensionName } from '../query-plan.js';
import { monthOf, quarterOf, toSourceRows, yearOf, type SourceContext, type SourceRow } from './source-context.js';

export const timeLogDimensions: readonly DimensionName[] = ['client', 'industry', 'staff', 'month', 'quarter', 'year'];

/**
 * Hours (integer milli-hours) and burdened labor cost (milli-hours × cents, exact) for the
 * period. Staff without a cost rate — or not in the staff list at all — cost the configured
 * default rate; the hours that did so are summed separately so results can say so.
 *
 * Two steps: time logs are first summed per client × staff (× month, quarter or year when
 * asked) straight off the covering index, then those few groups are joined to clients and
 * staff. Exact, because a cost rate is constant per staff member, and it joins thousands
 * of groups instead of millions of rows.
 */
export function timeLogFactsQuery(context: SourceContext) {
  const { db, period, filters, groupBy, defaultCostRateCents } = context;
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
    ])
    .groupBy(['t.client_id', 't.staff_key']);
  // The display name is not in the covering index: read it only when staff are listed.
  if (groupBy.includes('staff')) inner = inner.select(sql<string>`MAX(t.staff_name)`.as('staff_name'));
  if (filters.clients) inner = inner.where('t.client_id', 'in', filters.clients);
  if (filters.staff) inner = inner.where('t.staff_key', 'in', filters.staff.map((name) => name.trim().toLowerCase()));
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
      sql<number>`SUM(g.hours_milli * COALESCE(s.cost_rate_cents, CAST(${defaultCostRateCents} AS BIGINT)))`.as('labor_millicents'),
      sql<number>`SUM(CASE WHEN s.cost_rate_cents IS NULL THEN g.hours_milli ELSE 0 END)`.as('default_rate_milli'),
      sql<number>`SUM(g.log_count)`.as('time_log_count'),
    ]);
  if (filters.industries) query = query.where('c.industry', 'in', filters.industries);
  for (const dim of groupBy) {
    const expression = dims[dim]!;
    query = query.select(sql`${expression}`.as(`d_${dim}`)).groupBy(sql`${expression}` as Expression<SqlBool>);
  }
  if (groupBy.includes('client')) query = query.select(sql<string>`MAX(c.client_name)`.as('client_name'));
  if (groupBy.includes('staff')) query = query.select(sql<string>`MAX(g.staff_name)`.as('staff_name'));
  return query;
}

export async function timeLogFacts(context: SourceContext): Promise<SourceRow[]> {
  const rows = (await timeLogFactsQuery(context).execute()) as Array<Record<string, unknown>>;
  return toSourceRows(rows, context.groupBy, ['hours_milli', 'billable_milli', 'labor_millicents', 'default_rate_milli', 'time_log_count']);
}
