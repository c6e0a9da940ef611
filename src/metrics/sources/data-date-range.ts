import type { Database } from '../../storage/database.js';

/**
 * Earliest and latest invoice or time-log date of a dataset version, read from the monthly
 * rollups (each group knows its first and last date). Kept in app_meta under the version
 * number as well, so each version pays even that once, whichever process asks first.
 */
export async function dataDateRange(database: Database, version: number): Promise<{ from: string | null; to: string | null }> {
  const key = `date_range@${version}`;
  const stored = await database.kysely.selectFrom('app_meta').select('value').where('key', '=', key).executeTakeFirst();
  if (stored) return JSON.parse(stored.value) as { from: string | null; to: string | null };
  const [invoices, logs] = await Promise.all([
    database.kysely
      .selectFrom('rollup_invoice_client_month')
      .select((eb) => [eb.fn.min('first_date').as('lo'), eb.fn.max('last_date').as('hi')])
      .executeTakeFirst(),
    database.kysely
      .selectFrom('rollup_time_client_month')
      .select((eb) => [eb.fn.min('first_date').as('lo'), eb.fn.max('last_date').as('hi')])
      .executeTakeFirst(),
  ]);
  const los = [invoices?.lo, logs?.lo].filter((d): d is string => typeof d === 'string').sort();
  const his = [invoices?.hi, logs?.hi].filter((d): d is string => typeof d === 'string').sort();
  const range = { from: los[0] ?? null, to: his.at(-1) ?? null };
  await database.kysely
    .insertInto('app_meta')
    .values({ key, value: JSON.stringify(range) })
    .onConflict((conflict) => conflict.column('key').doNothing())
    .execute();
  return range;
}
