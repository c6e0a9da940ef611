import { sql, type Expression, type SqlBool } from 'kysely';
import type { DimensionName } from '../query-plan.js';
import { invoiceSums } from './fact-sums.js';
import { edgeMonths, groupInside, groupStraddles, monthLiteral, straddledEdges, type EdgeMonth } from './rollup-period.js';
import { groupByDimensions, monthOf, quarterOf, toSourceRows, yearOf, type SourceContext, type SourceRow } from './source-context.js';

export const invoiceDimensions: readonly DimensionName[] = ['client', 'industry', 'month', 'quarter', 'year', 'invoice_status'];

const sumNames = ['revenue_cents', 'collected_cents', 'outstanding_cents', 'invoice_count', 'invoice_rows'] as const;

/**
 * Invoice sums in cents for the period (DESIGN section 4): revenue excludes void and draft,
 * collected is paid only, outstanding is pending + overdue. Credit notes (negative totals)
 * count with their sign. Read from the client × month rollup (see rollup-period.ts) unless
 * the question is per invoice status or `useRollups` is false.
 */
export function invoiceFactsQuery(context: SourceContext, edges: EdgeMonth[] = edgeMonths(context.period)) {
  if (fromRows(context)) return rowsQuery(context);
  return rollupQuery(context, edges);
}

export async function invoiceFacts(context: SourceContext): Promise<SourceRow[]> {
  const edges = fromRows(context) ? [] : await straddledEdges(context.period, (edge) => straddlingClients(context, edge).limit(1));
  const rows = (await invoiceFactsQuery(context, edges).execute()) as Array<Record<string, unknown>>;
  return toSourceRows(rows, context.groupBy, sumNames);
}

function fromRows(context: SourceContext): boolean {
  // The rollups sum every status together: a question about some statuses reads the rows.
  return context.useRollups === false || context.groupBy.includes('invoice_status') || context.filters.invoiceStatuses !== undefined;
}

/** Clients (within the filter) whose invoice group of `edge` straddles the period. */
function straddlingClients(context: SourceContext, edge: EdgeMonth) {
  let query = context.db.selectFrom('rollup_invoice_client_month as r').select('r.client_id').where(groupStraddles(context.period, edge));
  if (context.filters.clients) query = query.where('r.client_id', 'in', context.filters.clients);
  return query;
}

function rollupQuery(context: SourceContext, edges: EdgeMonth[]) {
  const { db, period, filters, groupBy } = context;
  let groups = db
    .selectFrom('rollup_invoice_client_month as r')
    .where(groupInside(period))
    .select([
      'r.client_id',
      'r.month',
      sql<number>`r.revenue_cents`.as('revenue_cents'),
      sql<number>`r.collected_cents`.as('collected_cents'),
      sql<number>`r.outstanding_cents`.as('outstanding_cents'),
      sql<number>`r.invoice_count`.as('invoice_count'),
      sql<number>`r.invoice_rows`.as('invoice_rows'),
    ]);
  if (filters.clients) groups = groups.where('r.client_id', 'in', filters.clients);
  for (const edge of edges) {
    const straddling = straddlingClients(context, edge);
    const part = db
      .selectFrom('invoices as i')
      .where('i.client_id', 'in', straddling)
      .where(sql<SqlBool>`EXISTS ${straddling}`)
      .where('i.invoice_date', '>=', edge.from)
      .where('i.invoice_date', '<=', edge.to)
      .select(['i.client_id', monthLiteral(edge).as('month'), ...invoiceSums('i')])
      .groupBy('i.client_id');
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
    .select(sumNames.map((name) => sql<number>`SUM(${sql.ref(`g.${name}`)})`.as(name)));
  if (filters.industries) query = query.where('c.industry', 'in', filters.industries);
  if (filters.clientStatuses) query = query.where('c.status', 'in', filters.clientStatuses);
  query = groupByDimensions(query, groupBy, dims);
  if (groupBy.includes('client')) query = query.select(sql<string>`MAX(c.client_name)`.as('client_name'));
  return query;
}

function rowsQuery(context: SourceContext) {
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
    .select(invoiceSums('i'));
  if (filters.clients) query = query.where('i.client_id', 'in', filters.clients);
  if (filters.industries) query = query.where('c.industry', 'in', filters.industries);
  if (filters.clientStatuses) query = query.where('c.status', 'in', filters.clientStatuses);
  if (filters.invoiceStatuses) query = query.where('i.status', 'in', filters.invoiceStatuses);
  query = groupByDimensions(query, groupBy, dims);
  if (groupBy.includes('client')) query = query.select(sql<string>`MAX(c.client_name)`.as('client_name'));
  return query;
}
