import { queryPlanSchema, type QueryPlan, type QueryPlanInput } from '../metrics/query-plan.js';

/**
 * A plan written one way only, so that every phrasing of a question gives the same cache
 * key: defaults filled in, the period resolved to dates (an open end becomes the data's own
 * first or last day), and the sets in the filters sorted. What changes the answer — the
 * measures, the grouping, the sort, the limit ("top 5" is not "top 10") — is kept as is.
 * Returns null for a plan the metric layer would refuse (it is not cached either).
 */
export function canonicalPlan(input: QueryPlanInput, dataRange: { from: string | null; to: string | null }): QueryPlan | null {
  const parsed = queryPlanSchema.safeParse(input);
  if (!parsed.success) return null;
  const plan = parsed.data;
  const filters = { ...plan.filters };
  const from = filters.from ?? dataRange.from ?? undefined;
  const to = filters.to ?? dataRange.to ?? undefined;
  if (from) filters.from = from;
  if (to) filters.to = to;
  for (const name of ['clients', 'industries', 'staff', 'products', 'vendors', 'clientStatuses', 'invoiceStatuses'] as const) {
    const values = filters[name];
    if (values) (filters as Record<string, unknown>)[name] = [...new Set<string>(values)].sort();
  }
  if (filters.thresholds) filters.thresholds = [...filters.thresholds].sort((a, b) => compareText(JSON.stringify(a), JSON.stringify(b)));
  // Key order fixed too: JSON.stringify of the result is the key.
  const ordered: Record<string, unknown> = {};
  for (const key of Object.keys(filters).sort()) ordered[key] = (filters as Record<string, unknown>)[key];
  return { ...plan, filters: ordered as QueryPlan['filters'] };
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
