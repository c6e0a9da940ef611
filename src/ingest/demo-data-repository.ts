import type { Kysely, Transaction } from 'kysely';
import type { DatasetName } from './datasets/dataset-definition.js';
import type { DatabaseSchema, DatasetVersionTable } from '../storage/schema.js';

/**
 * Demo data is present while an active demo version (`is_demo`) is newer than every active
 * removal of it (`removes_demo`, written by `import --replace-demo`). Rolling the demo
 * versions back, or loading the demo again after a removal, is answered correctly too.
 */
export async function demoDataPresent(db: Kysely<DatabaseSchema>): Promise<boolean> {
  const row = await db
    .selectFrom('dataset_versions')
    .select((eb) => [
      eb.fn.max(eb.case().when('is_demo', '=', 1).then(eb.ref('number')).end()).as('demo'),
      eb.fn.max(eb.case().when('removes_demo', '=', 1).then(eb.ref('number')).end()).as('removal'),
    ])
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (row?.demo === null || row?.demo === undefined) return false;
  return row.removal === null || row.removal === undefined || Number(row.demo) > Number(row.removal);
}

/** The active demo versions, oldest first. */
export async function activeDemoVersions(db: Kysely<DatabaseSchema>): Promise<number[]> {
  const rows = await db.selectFrom('dataset_versions').select('number').where('is_demo', '=', 1).where('status', '=', 'active').orderBy('number').execute();
  return rows.map((row) => Number(row.number));
}

/** Kysely cannot type a table chosen at run time; the names come from the dataset definitions. */
type AnyTables = Record<string, Record<string, unknown>>;

/** Every row of `dataset` still carrying one of `versions` (rows a later import overwrote carry its version instead). */
export async function rowsOfVersions(trx: Transaction<DatabaseSchema>, dataset: DatasetName, versions: number[]): Promise<Array<Record<string, unknown>>> {
  const table = trx as unknown as Transaction<AnyTables>;
  return table.selectFrom(dataset).selectAll().where('version_number', 'in', versions).execute();
}

/** Deletes them; returns how many went. */
export async function deleteRowsOfVersions(trx: Transaction<DatabaseSchema>, dataset: DatasetName, versions: number[]): Promise<number> {
  const table = trx as unknown as Transaction<AnyTables>;
  const result = await table.deleteFrom(dataset).where('version_number', 'in', versions).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** What the removal took away, so rolling the removal back puts each row back as it was. */
export async function recordRemovedRows(
  trx: Transaction<DatabaseSchema>,
  version: number,
  dataset: DatasetName,
  keyColumn: string,
  rows: Array<Record<string, unknown>>,
): Promise<void> {
  const entries = rows.map((row) => ({ version_number: version, dataset, row_key: String(row[keyColumn]), prior_json: JSON.stringify(row) }));
  for (let i = 0; i < entries.length; i += 500)
    await trx
      .insertInto('row_undo')
      .values(entries.slice(i, i + 500))
      .execute();
}

/** The next version number (versions are numbered across datasets, rolled-back ones included). */
export async function nextVersionNumber(trx: Transaction<DatabaseSchema>): Promise<number> {
  const row = await trx
    .selectFrom('dataset_versions')
    .select((eb) => eb.fn.max('number').as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0) + 1;
}

export async function insertVersion(trx: Transaction<DatabaseSchema>, version: DatasetVersionTable): Promise<void> {
  await trx.insertInto('dataset_versions').values(version).execute();
}
