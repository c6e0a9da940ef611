import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../../storage/schema.js';
import { storedLicenseColumns, type StoredLicense } from '../presets/import-preset.js';

/**
 * Every stored license (an MSP has thousands of positions at most), read when the import
 * begins: what a vendor preset completes a position from (presets/license-positions.ts).
 */
export async function listStoredLicenses(db: Kysely<DatabaseSchema>): Promise<StoredLicense[]> {
  const rows = await db.selectFrom('licenses').select(storedLicenseColumns).execute();
  // PostgreSQL returns bigint columns as strings.
  const cents = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
  return rows.map((row) => ({
    ...row,
    seats_purchased: Number(row.seats_purchased),
    seats_used: Number(row.seats_used),
    seats_billed: row.seats_billed === null ? null : Number(row.seats_billed),
    cost_per_seat_cents: cents(row.cost_per_seat_cents),
    total_cost_cents: cents(row.total_cost_cents),
    price_per_seat_cents: cents(row.price_per_seat_cents),
  }));
}
