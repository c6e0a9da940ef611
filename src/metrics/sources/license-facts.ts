import { sql, type Expression, type SqlBool } from 'kysely';
import { monthsOf, quarterLabel } from '../period.js';
import type { DimensionName } from '../query-plan.js';
import { groupByDimensions, toSourceRows, type SourceContext, type SourceRow } from './source-context.js';

export const licenseCostDimensions: readonly DimensionName[] = ['client', 'industry', 'product', 'vendor', 'month', 'quarter', 'year'];
export const licenseSeatDimensions: readonly DimensionName[] = ['client', 'industry', 'product', 'vendor'];

/** `y*12+m-1` of a date expression, in SQL that SQLite and PostgreSQL both run. */
function monthIndexSql(date: Expression<unknown>) {
  return sql<number>`(CAST(substr(${date}, 1, 4) AS INTEGER) * 12 + CAST(substr(${date}, 6, 2) AS INTEGER) - 1)`;
}

function dimensionExpressions(): Record<string, Expression<unknown>> {
  return {
    client: sql.ref('l.client_id'),
    industry: sql.ref('c.industry'),
    product: sql.ref('l.product'),
    vendor: sql.ref('l.vendor'),
    month: sql.ref('cal.month'),
    quarter: sql.ref('cal.quarter'),
    year: sql.ref('cal.year'),
  };
}

/**
 * License cost (DESIGN section 4): Σ monthly cost × months(P ∩ license active dates), where
 * monthly cost = total_cost if given, else seats_purchased × cost_per_seat. Done as a join
 * with the calendar months of P, so the same SQL also answers "license cost by month":
 * a license counts in month m when P ∩ [start, end] is not empty and touches m. Without a
 * time dimension the same count is taken arithmetically, without the calendar join.
 */
export function licenseCostQuery(context: SourceContext) {
  const { db, period, filters, groupBy } = context;
  // Effective start/end: the license's dates clipped to P (text dates compare correctly).
  const effectiveStart = sql`(CASE WHEN l.start_date IS NOT NULL AND l.start_date > ${period.from} THEN l.start_date ELSE ${period.from} END)`;
  const effectiveEnd = sql`(CASE WHEN l.end_date IS NOT NULL AND l.end_date < ${period.to} THEN l.end_date ELSE ${period.to} END)`;
  const monthlyCost = sql`COALESCE(l.total_cost_cents, l.seats_purchased * l.cost_per_seat_cents)`;
  const dims = dimensionExpressions();
  const byTime = groupBy.some((d) => d === 'month' || d === 'quarter' || d === 'year');
  let query;
  if (byTime) {
    const calendar = sql.join(
      monthsOf(period).map(
        (m) =>
          sql`SELECT ${sql.lit(m.index)} AS ym, ${sql.lit(m.label)} AS month, ${sql.lit(quarterLabel(m.index))} AS quarter, ${sql.lit(m.label.slice(0, 4))} AS year`,
      ),
      sql` UNION ALL `,
    );
    query = db
      .selectFrom('licenses as l')
      .innerJoin('clients as c', 'c.client_id', 'l.client_id')
      .innerJoin(sql<{ ym: number; month: string; quarter: string; year: string }>`(${calendar})`.as('cal'), (join) =>
        join.on(sql<SqlBool>`cal.ym BETWEEN ${monthIndexSql(effectiveStart)} AND ${monthIndexSql(effectiveEnd)}`),
      )
      .where(sql<SqlBool>`${effectiveStart} <= ${effectiveEnd}`)
      .select(sql<number>`SUM(${monthlyCost})`.as('license_cost_cents'));
  } else {
    // Not split by month: each license's months inside P are counted arithmetically.
    query = db
      .selectFrom('licenses as l')
      .innerJoin('clients as c', 'c.client_id', 'l.client_id')
      .where(sql<SqlBool>`${effectiveStart} <= ${effectiveEnd}`)
      .select(sql<number>`SUM(${monthlyCost} * (${monthIndexSql(effectiveEnd)} - ${monthIndexSql(effectiveStart)} + 1))`.as('license_cost_cents'));
  }
  query = applyLicenseFilters(query, filters);
  query = groupByDimensions(query, groupBy, dims);
  if (groupBy.includes('client')) query = query.select(sql<string>`MAX(c.client_name)`.as('client_name'));
  return query;
}

/**
 * Seat counts of the licenses active at any time in P (a snapshot, not multiplied by
 * months). Waste is the monthly cost of unused seats: unused × cost_per_seat, or
 * unused × total_cost / seats_purchased when only the total is known.
 */
export function licenseSeatsQuery(context: SourceContext) {
  const { db, period, filters, groupBy } = context;
  const dims = dimensionExpressions();
  let query = db
    .selectFrom('licenses as l')
    .innerJoin('clients as c', 'c.client_id', 'l.client_id')
    .where((eb) => eb.or([eb('l.start_date', 'is', null), eb('l.start_date', '<=', period.to)]))
    .where((eb) => eb.or([eb('l.end_date', 'is', null), eb('l.end_date', '>=', period.from)]))
    .select([
      sql<number>`SUM(l.seats_purchased)`.as('seats_purchased'),
      sql<number>`SUM(l.seats_used)`.as('seats_used'),
      sql<number>`SUM(CASE WHEN l.seats_purchased > l.seats_used THEN l.seats_purchased - l.seats_used ELSE 0 END)`.as('unused_seats'),
      sql<number>`SUM(CASE WHEN l.seats_used > l.seats_purchased THEN l.seats_used - l.seats_purchased ELSE 0 END)`.as('over_assigned_seats'),
      sql<number>`SUM(CASE WHEN l.seats_purchased > l.seats_used THEN
        CASE WHEN l.cost_per_seat_cents IS NOT NULL THEN CAST((l.seats_purchased - l.seats_used) * l.cost_per_seat_cents AS DOUBLE PRECISION)
             ELSE CAST((l.seats_purchased - l.seats_used) * l.total_cost_cents AS DOUBLE PRECISION) / l.seats_purchased END
        ELSE 0 END)`.as('waste_cents'),
      sql<number>`COUNT(*)`.as('license_count'),
    ]);
  query = applyLicenseFilters(query, filters);
  query = groupByDimensions(query, groupBy, dims);
  if (groupBy.includes('client')) query = query.select(sql<string>`MAX(c.client_name)`.as('client_name'));
  return query;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- both license queries share these filters; their builder types differ only in selections.
function applyLicenseFilters<Q extends { where: (...args: any[]) => Q }>(query: Q, filters: SourceContext['filters']): Q {
  let q = query;
  if (filters.clients) q = q.where('l.client_id', 'in', filters.clients);
  if (filters.industries) q = q.where('c.industry', 'in', filters.industries);
  if (filters.products) q = q.where('l.product', 'in', filters.products);
  if (filters.vendors) q = q.where('l.vendor', 'in', filters.vendors);
  if (filters.clientStatuses) q = q.where('c.status', 'in', filters.clientStatuses);
  return q;
}

export async function licenseCostFacts(context: SourceContext): Promise<SourceRow[]> {
  const rows = (await licenseCostQuery(context).execute()) as Array<Record<string, unknown>>;
  return toSourceRows(rows, context.groupBy, ['license_cost_cents']);
}

export async function licenseSeatFacts(context: SourceContext): Promise<SourceRow[]> {
  const rows = (await licenseSeatsQuery(context).execute()) as Array<Record<string, unknown>>;
  return toSourceRows(rows, context.groupBy, ['seats_purchased', 'seats_used', 'unused_seats', 'over_assigned_seats', 'waste_cents', 'license_count']);
}
