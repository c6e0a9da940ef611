import { sql, type Expression, type SqlBool } from 'kysely';
import type { DimensionName } from '../query-plan.js';
import { monthOf, quarterOf, toNumber, yearOf, type SourceContext, type SourceRow } from './source-context.js';

export const timeLogDimensions: readonly DimensionName[] = ['client', 'industry', 'staff', 'month', 'quarter', 'year'];

/**
 * Hours (integer milli-hours) and burdened labor cost (milli-hours × cents, exact) for the
 * period. Staff without a cost rate — or not in the staff list at all — cost the configured
 * default rate; the hours that did so are summed separately so results can say so.
 */
export function timeLogFactsQuery(context: SourceContext) {
  const { db, period, filters, groupBy, defaultCostRateCents } = context;
  const dims: Record<string, Expression<unknown>> = {
    client: sql.ref('t.client_id'),
    industry: sql.ref('c.industry'),
    staff: sql.ref('t.staff_key'),
    month: monthOf('t.work_date'),
    quarter: quarterOf('t.work_date'),
    year: yearOf('t.work_date'),
  };
  let query = db
    .selectFrom('time_logs as t')
    .innerJoin('clients as c', 'c.client_id', 't.client_id')
    .leftJoin('staff as s', 's.staff_key', 't.staff_key')
    .where('t.work_date', '>=', period.from)
    .where('t.work_date', '<=', period.to)
    .select([
      sql<number>`SUM(t.hours_milli)`.as('hours_milli'),
      sql<number>`SUM(CASE WHEN t.billable = 1 THEN t.hours_milli ELSE 0 END)`.as('billable_milli'),
      sql<number>`SUM(t.hours_milli * COALESCE(s.cost_rate_cents, CAST(${defaultCostRateCents} AS BIGINT)))`.as('labor_millicents'),
      sql<number>`SUM(CASE WHEN s.cost_rate_cents IS NULL THEN t.hours_milli ELSE 0 END)`.as('default_rate_milli'),
      sql<number>`COUNT(*)`.as('time_log_count'),
    ]);
  if (filters.clients) query = query.where('t.client_id', 'in', filters.clients);
  if (filters.industries) query = query.where('c.industry', 'in', filters.industries);
  if (filters.staff) query = query.where('t.staff_key', 'in', filters.staff.map((name) => name.trim().toLowerCase()));
  for (const dim of groupBy) {
    const expression = dims[dim]!;
    query = query.select(sql`${expression}`.as(`d_${dim}`)).groupBy(sql`${expression}` as Expression<SqlBool>);
  }
  if (groupBy.includes('client')) query = query.select(sql<string>`MAX(c.client_name)`.as('client_name'));
  if (groupBy.includes('staff')) query = query.select(sql<string>`MAX(t.staff_name)`.as('staff_name'));
  return query;
}

export async function timeLogFacts(context: SourceContext): Promise<SourceRow[]> {
  const rows = (await timeLogFactsQuery(context).execute()) as Array<Record<string, unknown>>;
  return rows.map((row) => ({
    dims: Object.fromEntries(context.groupBy.map((d) => [d, (row[`d_${d}`] as string | null) ?? null])),
    labels: {
      ...(row.client_name ? { client_name: row.client_name as string } : {}),
      ...(row.staff_name ? { staff_name: row.staff_name as string } : {}),
    },
    sums: {
      hours_milli: toNumber(row.hours_milli),
      billable_milli: toNumber(row.billable_milli),
      labor_millicents: toNumber(row.labor_millicents),
      default_rate_milli: toNumber(row.default_rate_milli),
      time_log_count: toNumber(row.time_log_count),
    },
  }));
}
