import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/schema.js';

/** A license position as the three-way reconciliation reads it. */
export interface ReconciliationLicenseRow {
  client_id: string;
  client_name: string;
  product: string;
  vendor: string | null;
  seats_purchased: number;
  seats_used: number;
  seats_billed: number | null;
  cost_per_seat_cents: number | null;
  total_cost_cents: number | null;
  price_per_seat_cents: number | null;
  end_date: string | null;
  sources: string | null;
}

/** The current licenses with their client's name; only `clients` (ids) or `industries` when given. */
export async function listReconciliationLicenses(
  db: Kysely<DatabaseSchema>,
  filters: { clients?: readonly string[] | undefined; industries?: readonly string[] | undefined },
): Promise<ReconciliationLicenseRow[]> {
  let query = db
    .selectFrom('licenses')
    .innerJoin('clients', 'clients.client_id', 'licenses.client_id')
    .select([
      'licenses.client_id',
      'clients.client_name',
      'licenses.product',
      'licenses.vendor',
      'licenses.seats_purchased',
      'licenses.seats_used',
      'licenses.seats_billed',
      'licenses.cost_per_seat_cents',
      'licenses.total_cost_cents',
      'licenses.price_per_seat_cents',
      'licenses.end_date',
      'licenses.sources',
    ])
    .orderBy('clients.client_name')
    .orderBy('licenses.product');
  if (filters.clients) query = query.where('licenses.client_id', 'in', filters.clients.length > 0 ? [...filters.clients] : ['']);
  if (filters.industries) query = query.where('clients.industry', 'in', filters.industries.length > 0 ? [...filters.industries] : ['']);
  const rows = await query.execute();
  // PostgreSQL returns bigint columns as strings.
  const number = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
  return rows.map((row) => ({
    ...row,
    seats_purchased: Number(row.seats_purchased),
    seats_used: Number(row.seats_used),
    seats_billed: number(row.seats_billed),
    cost_per_seat_cents: number(row.cost_per_seat_cents),
    total_cost_cents: number(row.total_cost_cents),
    price_per_seat_cents: number(row.price_per_seat_cents),
  }));
}
