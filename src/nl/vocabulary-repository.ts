import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/schema.js';

/** The names a question may mention, as stored: what entities.ts matches against. */
export interface VocabularyRows {
  clients: Array<{ id: string; name: string; industry: string | null; status: string }>;
  staff: string[];
  products: Array<{ product: string; vendor: string | null }>;
  industries: string[];
  /** Which clients hold each product (for a caller with a client scope); absent in hand-built vocabularies. */
  licenseHolders?: Array<{ product: string; vendor: string | null; clientId: string }>;
}

export async function readVocabulary(db: Kysely<DatabaseSchema>): Promise<VocabularyRows> {
  const [clients, listed, loggers, products] = await Promise.all([
    db.selectFrom('clients').select(['client_id', 'client_name', 'industry', 'status']).orderBy('client_id').execute(),
    db.selectFrom('staff').select('staff_name').execute(),
    // Staff who logged time without being in the staff list are people one may ask about too.
    db.selectFrom('rollup_staff_name').select('staff_name').execute(),
    db.selectFrom('licenses').select(['product', 'vendor', 'client_id']).distinct().execute(),
  ]);
  const staff = new Map<string, string>();
  for (const row of [...listed, ...loggers])
    if (!staff.has(row.staff_name.trim().toLowerCase())) staff.set(row.staff_name.trim().toLowerCase(), row.staff_name);
  const industries = [...new Set(clients.map((c) => c.industry).filter((i): i is string => i !== null))].sort();
  return {
    clients: clients.map((c) => ({ id: c.client_id, name: c.client_name, industry: c.industry, status: c.status })),
    staff: [...staff.values()],
    products: [...new Map(products.map((p) => [JSON.stringify([p.product, p.vendor]), { product: p.product, vendor: p.vendor }])).values()],
    industries,
    licenseHolders: products.map((p) => ({ product: p.product, vendor: p.vendor, clientId: p.client_id })),
  };
}

/**
 * The names a caller with a client scope may mention: their clients, the industries and
 * products of those clients, and the MSP's own staff. A client outside the scope is then
 * exactly as unknown as one that does not exist (the same "did you mean" suggestions
 * drawn from their clients only), so a question cannot reveal who else is a client.
 */
export function scopedVocabularyRows(rows: VocabularyRows, scope: readonly string[]): VocabularyRows {
  const visible = new Set(scope);
  const clients = rows.clients.filter((c) => visible.has(c.id));
  const holders = (rows.licenseHolders ?? []).filter((h) => visible.has(h.clientId));
  const held = new Set(holders.map((h) => JSON.stringify([h.product, h.vendor])));
  return {
    clients,
    staff: rows.staff,
    products: rows.products.filter((p) => held.has(JSON.stringify([p.product, p.vendor]))),
    industries: [...new Set(clients.map((c) => c.industry).filter((i): i is string => i !== null))].sort(),
    licenseHolders: holders,
  };
}
