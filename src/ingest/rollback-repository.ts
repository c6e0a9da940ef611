import type { Transaction } from 'kysely';
import type { DatabaseSchema } from '../storage/schema.js';
import type { DatasetName } from './datasets/dataset-definition.js';
import { datasets } from './datasets/index.js';

/** The versions a rollback to `target` undoes: active ones after it, newest first. */
export async function listActiveVersionsAfter(trx: Transaction<DatabaseSchema>, target: number): Promise<Array<{ number: number; dataset: string }>> {
  const rows = await trx
    .selectFrom('dataset_versions')
    .select(['number', 'dataset'])
    .where('number', '>', target)
    .where('status', '=', 'active')
    .orderBy('number', 'desc')
    .execute();
  return rows.map((row) => ({ number: Number(row.number), dataset: row.dataset }));
}

/** Undone versions stay listed for the record, marked as such. */
export async function markRolledBack(trx: Transaction<DatabaseSchema>, number: number, by: { at: string; by: string }): Promise<void> {
  await trx.updateTable('dataset_versions').set({ status: 'rolled_back', rolled_back_at: by.at, rolled_back_by: by.by }).where('number', '=', number).execute();
}

/**
 * Undoes one version's rows: rows it overwrote get their prior values back from the undo
 * log, rows it added are removed, and its undo entries go.
 */
export async function undoVersionRows(trx: Transaction<DatabaseSchema>, number: number, datasetName: string): Promise<{ restored: number; removed: number }> {
  const name = datasetName as DatasetName;
  const dataset = datasets[name];
  const key = dataset.keyColumn;
  const undo = await trx.selectFrom('row_undo').select(['row_key', 'prior_json']).where('version_number', '=', number).where('dataset', '=', name).execute();
  // Kysely cannot type a table chosen at run time; the column names come from the dataset definition.
  const table = trx as unknown as Transaction<Record<string, Record<string, unknown>>>;
  for (const entry of undo) {
    const prior = JSON.parse(entry.prior_json) as Record<string, unknown>;
    const values: Record<string, unknown> = {};
    for (const column of [...dataset.columns.slice(1), 'version_number', 'source_line']) values[column] = prior[column] ?? null;
    const updated = await table.updateTable(name).set(values).where(key, '=', entry.row_key).executeTakeFirst();
    // A version that removed rows (the demo data's removal) is undone by putting them back.
    if (Number(updated.numUpdatedRows) === 0)
      await table
        .insertInto(name)
        .values({ ...values, [key]: entry.row_key })
        .execute();
  }
  const removed = await table.deleteFrom(name).where('version_number', '=', number).executeTakeFirst();
  await trx.deleteFrom('row_undo').where('version_number', '=', number).execute();
  return { restored: undo.length, removed: Number(removed.numDeletedRows) };
}
