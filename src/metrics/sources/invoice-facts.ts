import { sql, type Expression, type SqlBool } from 'kysely';
import type { DimensionName } from '../query-plan.js';
import { monthOf, quarterOf, toSourceRows, yearOf, type SourceContext, type SourceRow } from './source-context.js';

export const invoiceDimensions: readonly DimensionName[] = ['client', 'industry', 'month', 'quarter', 'year', 'invoice_status'];

/**
 * Invoice sums in cents for the period (DESIGN section 4): revenue excludes void and draft,
 * collected is paid only, outstanding is pending + overdue. Credit notes (negative totals)
 * count with their sign.
 */
export function invoiceFactsQuery(context: SourceContext) {
  const { db, period, filters, groupBy } = context;
  const dims: Record<string, Expression<unknown>> = {
    client: sql.ref('i.client_id'),
    industry: sql.ref('c.industry'),
    month: monthOf('i.invoice_date'),
    quarter: quarterOf('i.invoice_date'),
    year: yearOf('i.invoice_date'),
    invoice_status: sql.ref('i.status'),
  };
  let query = db
    .selectFrom('invoices as i')
    .innerJoin('clients as c', 'c.client_id', 'i.client_id')
    .where('i.invoice_date', '>=', period.from)
    .where('i.invoice_date', '<=', period.to)
    .select([
      sql<number>`SUM(CASE WHEN i.status NOT IN ('void', 'draft') THEN i.total_cents ELSE 0 END)`.as('revenue_cents'),
      sql<number>`SUM(CASE WHEN i.status = 'paid' THEN i.total_cents ELSE 0 END)`.as('collected_cents'),
      sql<number>`SUM(CASE WHEN i.status IN ('pending', 'overdue') THEN i.total_cents ELSE 0 END)`.as('outstanding_cents'),
      sql<number>`SUM(CASE WHEN i.status NOT IN ('void', 'draft') THEN 1 ELSE 0 END)`.as('invoice_count'),
      sql<number>`COUNT(*)`.as('invoice_rows'),
    ]);
  if (filters.clients) query = query.where('i.client_id', 'in', filters.clients);
  if (filters.industries) query = query.where('c.industry', 'in', filters.industries);
  for (const dim of groupBy) {
    const expression = dims[dim]!;
    query = query.select(sql`${expression}`.as(`d_${dim}`)).groupBy(sql`${expression}` as Expression<SqlBool>);
  }
  if (groupBy.includes('client')) query = query.select(sql<string>`MAX(c.client_name)`.as('client_name'));
  return query;
}

export async function invoiceFacts(context: SourceContext): Promise<SourceRow[]> {
  const rows = (await invoiceFactsQuery(context).execute()) as Array<Record<string, unknown>>;
  return toSourceRows(rows, context.groupBy, ['revenue_cents', 'collected_cents', 'outstanding_cents', 'invoice_count', 'invoice_rows']);
}
