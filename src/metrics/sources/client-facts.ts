import type { SourceContext, SourceRow } from './source-context.js';

/** One row per client (its name), for measures that list clients with no activity too. */
export async function clientFacts(context: SourceContext): Promise<SourceRow[]> {
  let query = context.db.selectFrom('clients').select(['client_id', 'client_name']);
  if (context.filters.clients) query = query.where('client_id', 'in', context.filters.clients);
  if (context.filters.industries) query = query.where('industry', 'in', context.filters.industries);
  if (context.filters.clientStatuses) query = query.where('status', 'in', context.filters.clientStatuses);
  const rows = await query.execute();
  return rows.map((r) => ({ dims: { client: r.client_id }, labels: { client_name: r.client_name }, sums: {} }));
}

/**
 * Clients counted, by client or industry, with their contract values (cents; a client
 * without one is counted apart, so an average is over the clients that have one).
 */
export async function clientCountFacts(context: SourceContext): Promise<SourceRow[]> {
  let query = context.db.selectFrom('clients').select(['client_id', 'client_name', 'industry', 'contract_value_cents']);
  if (context.filters.clients) query = query.where('client_id', 'in', context.filters.clients);
  if (context.filters.industries) query = query.where('industry', 'in', context.filters.industries);
  if (context.filters.clientStatuses) query = query.where('status', 'in', context.filters.clientStatuses);
  const rows = await query.execute();
  return rows.map((r) => ({
    dims: Object.fromEntries(context.groupBy.map((d) => [d, d === 'client' ? r.client_id : r.industry])),
    labels: context.groupBy.includes('client') ? { client_name: r.client_name } : {},
    sums: {
      client_count: 1,
      contract_value_cents: r.contract_value_cents === null ? 0 : Number(r.contract_value_cents),
      contract_value_clients: r.contract_value_cents === null ? 0 : 1,
    },
  }));
}
