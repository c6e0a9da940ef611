import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/schema.js';

/** The names a question may mention, as stored: what entities.ts matches against. */
export interface VocabularyRows {
  clients: Array<{ id: string; name: string; industry: string | null; status: string }>;
  staff: string[];
  products: Array<{ product: string; vendor: string | null }>;
  industries: string[];
}

export async function readVocabulary(db: Kysely<DatabaseSchema>): Promise<VocabularyRows> {
  const [clients, listed, loggers, products] = await Promise.all([
    db.selectFrom('clients').select(['client_id', 'client_name', 'industry', 'status']).orderBy('client_id').execute(),
    db.selectFrom('staff').select('staff_name').execute(),
    // Staff who logged time without being in the staff list are people one may ask about too.
    db.selectFrom('rollup_staff_name').select('staff_name').execute(),
    db.selectFrom('licenses').select(['product', 'vendor']).distinct().execute(),
  ]);
  const staff = new Map<string, string>();
  for (const row of [...listed, ...loggers]) if (!staff.has(row.staff_name.trim().toLowerCase())) staff.set(row.staff_name.trim().toLowerCase(), row.staff_name);
  const industries = [...new Set(clients.map((c) => c.industry).filter((i): i is string => i !== null))].sort();
  return {
    clients: clients.map((c) => ({ id: c.client_id, name: c.client_name, industry: c.industry, status: c.status })),
    staff: [...staff.values()],
    products: products.map((p) => ({ product: p.product, vendor: p.vendor })),
    industries,
  };
}
