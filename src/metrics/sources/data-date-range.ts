import type { Database } from '../../storage/database.js';

/**
 * Earliest and latest invoice or time-log date of a dataset version, read from the monthly
 * rollups (each group knows its first and last date). Kept in app_meta under the version
 * number as well, so each version pays even that once, whichever process asks first, and
 * in memory for the version last read, so a process pays the app_meta read once too.
 */
export async function dataDateRange(database: Database, version: number): Promise<{ from: string | null; to: string | null }> {
  // A version's data never changes (an import or rollback makes another), so neither does its range.
  const known = ranges.get(database);
  if (known?.version === version) return { ...known.range };
  const range = await storedOrComputedRange(database, version);
  ranges.set(database, { version, range });
  return { ...range };
}

/** The range of the version last asked for, per open database: every question asks (src/nl/ask.ts). */
const ranges = new WeakMap<Database, { version: number; range: { from: string | null; to: string | null } }>();

async function storedOrComputedRange(database: Database, version: number): Promise<{ from: string | null; to: string | null }> {
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
