import type { Kysely, Transaction } from 'kysely';
import { isMmError, MmError } from '../errors.js';
import { importLockId, lockForTransaction } from '../storage/advisory-locks.js';
import { appendAudit } from '../governance/audit-log.js';
import { datasets } from '../ingest/datasets/index.js';
import type { DatasetName } from '../ingest/datasets/dataset-definition.js';
import { rebuildRollups, runOn } from '../metrics/rollups/maintain-rollups.js';
import type { DatabaseSchema } from '../storage/schema.js';
import { currentVersionNumber, findVersion, restoreRemovedRow } from './versions-repository.js';

export interface RollbackResult {
  /** The version the data is at now. */
  version: number;
  /** Versions undone, newest first. */
  undone: number[];
  rowsRestored: number;
  rowsRemoved: number;
}

/**
 * Puts the data back exactly as it was at version `target`, in one transaction: each later
 * version is undone newest first (rows it overwrote are restored from the undo log, rows
 * it added are removed) and marked `rolled_back`. Undone versions stay listed for the
 * record; their raw files stay in `data/raw/` and can be imported again.
 */
export async function rollbackToVersion(db: Kysely<DatabaseSchema>, target: number, actor: string): Promise<RollbackResult> {
  try {
    return await rollbackInTransaction(db, target, actor);
  } catch (error) {
    if (!isMmError(error) || error.code !== 'MM_DATABASE_BUSY') {
      await appendAudit(db, { actor, action: 'version.rollback', target: String(target), outcome: 'failure', details: { message: (error as Error).message } });
    }
    throw error;
  }
}

async function rollbackInTransaction(db: Kysely<DatabaseSchema>, target: number, actor: string): Promise<RollbackResult> {
  return db.transaction().execute(async (trx) => {
    // Not while an import is loading (PostgreSQL; on SQLite the transaction already holds the write lock).
    await lockForTransaction(trx, importLockId);
    const current = await currentVersionNumber(trx);
    if (target !== 0) {
      const version = await findVersion(trx, target);
      if (!version) throw new MmError('MM_VERSION_NOT_FOUND', `version ${target} does not exist (list the versions to see which do)`);
      if (version.status === 'rolled_back') {
        throw new MmError('MM_VERSION_ROLLBACK', `version ${target} was itself rolled back; roll back to an active version`);
      }
    }
    if (target >= current) {
      throw new MmError('MM_VERSION_ROLLBACK', `the data is already at version ${current}; nothing to roll back`);
    }
    const later = await trx
      .selectFrom('dataset_versions')
      .select(['number', 'dataset'])
      .where('number', '>', target)
      .where('status', '=', 'active')
      .orderBy('number', 'desc')
      .execute();
    const result: RollbackResult = { version: target, undone: [], rowsRestored: 0, rowsRemoved: 0 };
    const now = new Date().toISOString();
    const undoneDatasets = new Set<string>();
    for (const version of later) {
      undoneDatasets.add(version.dataset);
      const { restored, removed } = await undoVersion(trx, Number(version.number), version.dataset as DatasetName);
      result.rowsRestored += restored;
      result.rowsRemoved += removed;
      result.undone.push(Number(version.number));
      await trx
        .updateTable('dataset_versions')
        .set({ status: 'rolled_back', rolled_back_at: now, rolled_back_by: actor })
        .where('number', '=', version.number)
        .execute();
    }
    // Rollbacks are rare and may undo many rows: rebuilding the rollups they feed is simplest.
    await rebuildRollups(trx, runOn(trx), [...undoneDatasets]);
    // In the same transaction: the rollback and its event commit together.
    await appendAudit(trx, { actor, action: 'version.rollback', target: String(target), details: { ...result } });
    return result;
  });
}

async function undoVersion(trx: Transaction<DatabaseSchema>, number: number, name: DatasetName): Promise<{ restored: number; removed: number }> {
  const dataset = datasets[name];
  const key = dataset.keyColumn;
  const undo = await trx
    .selectFrom('row_undo')
    .select(['row_key', 'prior_json'])
    .where('version_number', '=', number)
    .where('dataset', '=', name)
    .execute();
  // Kysely cannot type a table chosen at run time; the column names come from the dataset definition.
  const table = trx as unknown as Transaction<Record<string, Record<string, unknown>>>;
  for (const entry of undo) {
    const prior = JSON.parse(entry.prior_json) as Record<string, unknown>;
    const values: Record<string, unknown> = {};
    for (const column of [...dataset.columns.slice(1), 'version_number', 'source_line']) values[column] = prior[column] ?? null;
    const updated = await table.updateTable(name).set(values).where(key, '=', entry.row_key).executeTakeFirst();
    // A version that removed rows (the demo data's removal) is undone by putting them back.
    if (Number(updated.numUpdatedRows) === 0) await restoreRemovedRow(trx, name, { ...values, [key]: entry.row_key });
  }
  const removed = await table.deleteFrom(name).where('version_number', '=', number).executeTakeFirst();
  await trx.deleteFrom('row_undo').where('version_number', '=', number).execute();
  return { restored: undo.length, removed: Number(removed.numDeletedRows) };
}
