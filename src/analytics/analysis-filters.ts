import { z } from 'zod';
import { clientNameKey } from '../ingest/datasets/clients.js';
import { isoDate } from '../metrics/query-plan.js';
import type { Database } from '../storage/database.js';
import { findClientsByIdOrName, listIndustries } from './clients-repository.js';

/** The filters every analysis accepts (CLI flags, HTTP query). */
export const analysisFiltersSchema = z
  .object({
    from: isoDate.optional(),
    to: isoDate.optional(),
    clients: z.array(z.string().min(1)).optional(),
    industries: z.array(z.string().min(1)).optional(),
  })
  .strict();

export type AnalysisFilters = z.infer<typeof analysisFiltersSchema>;

/** Filters as people type them: client ids or names, industries in any case. */
export interface FilterInput {
  from?: string | undefined;
  to?: string | undefined;
  clients?: readonly string[] | undefined;
  industries?: readonly string[] | undefined;
}

/** One value that matched nothing; each surface words it for its own field names. */
export interface FilterProblem {
  field: 'clients' | 'industries';
  value: string;
  /** The sentence with the value in it ("no client has the id or name 'Zeta'"). */
  message: string;
  /** The same, for text that names the value already ("--client 'Zeta': no client has this id or name"). */
  reason: string;
}

export type ResolvedFilters = { ok: true; filters: AnalysisFilters } | { ok: false; problems: FilterProblem[] };

/**
 * Client ids or names and industries, as people type them, turned into the ids and stored
 * spellings the metric layer filters on — the one resolver behind both `analyze` and the
 * HTTP analytics routes, so the same words select the same clients everywhere. An unknown
 * value is refused by name rather than silently matching nothing (an empty report would read
 * as "no problems"). `scope` is the caller's client scope (null: every client); anything
 * outside it is answered like not existing at all.
 */
export async function resolveAnalysisFilters(database: Database, input: FilterInput, scope: readonly string[] | null = null): Promise<ResolvedFilters> {
  const filters: AnalysisFilters = {};
  if (input.from) filters.from = input.from;
  if (input.to) filters.to = input.to;
  const problems: FilterProblem[] = [];

  if (input.clients?.length) {
    const found = await findClientsByIdOrName(database.kysely, [...input.clients]);
    const visible = scope ? found.filter((c) => scope.includes(c.clientId)) : found;
    const ids = new Set<string>();
    for (const wanted of input.clients) {
      // An id wins over a name, in case one client's name is another's id.
      const match = visible.find((c) => c.clientId === wanted) ?? visible.find((c) => c.nameKey === clientNameKey(wanted));
      if (match) ids.add(match.clientId);
      else problems.push({ field: 'clients', value: wanted, message: `no client has the id or name '${wanted}'`, reason: 'no client has this id or name' });
    }
    filters.clients = [...ids];
  }

  if (input.industries?.length) {
    const known = await listIndustries(database.kysely, scope);
    const industries = new Set<string>();
    for (const wanted of input.industries) {
      const key = industryKey(wanted);
      const matches = known.filter((industry) => industryKey(industry) === key);
      if (matches.length > 0) for (const industry of matches) industries.add(industry);
      else problems.push({ field: 'industries', value: wanted, message: `no client is in the industry '${wanted}'`, reason: 'no client is in this industry' });
    }
    filters.industries = [...industries];
  }

  if (problems.length > 0) return { ok: false, problems };
  // A scoped caller always asks the metric layer about their clients only.
  if (scope && !filters.clients) filters.clients = [...scope];
  return { ok: true, filters };
}

/** Industries compare by their words, whatever the case and spacing ("legal" = " Legal "). */
function industryKey(industry: string): string {
  return industry.normalize('NFKC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('en');
}
