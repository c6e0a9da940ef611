import type { Kysely } from 'kysely';
import { isMmError, MmError } from '../errors.js';
import { appendAudit } from '../governance/audit-log.js';
import { rebuildRollups, runOn } from '../metrics/rollups/maintain-rollups.js';
import { importLockId, lockForTransaction } from '../storage/advisory-locks.js';
import type { DatabaseSchema } from '../storage/schema.js';
import { currentVersionNumber, findVersion } from '../versions/versions-repository.js';
import { listActiveVersionsAfter, markRolledBack, undoVersionRows } from './rollback-repository.js';

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
    const later = await listActiveVersionsAfter(trx, target);
    const result: RollbackResult = { version: target, undone: [], rowsRestored: 0, rowsRemoved: 0 };
    const now = new Date().toISOString();
    const undoneDatasets = new Set<string>();
    for (const version of later) {
      undoneDatasets.add(version.dataset);
      const { restored, removed } = await undoVersionRows(trx, version.number, version.dataset);
      result.rowsRestored += restored;
      result.rowsRemoved += removed;
      result.undone.push(version.number);
      await markRolledBack(trx, version.number, { at: now, by: actor });
    }
    // Rollbacks are rare and may undo many rows: rebuilding the rollups they feed is simplest.
    await rebuildRollups(trx, runOn(trx), [...undoneDatasets]);
    // In the same transaction: the rollback and its event commit together.
    await appendAudit(trx, { actor, action: 'version.rollback', target: String(target), details: { ...result } });
    return result;
  });
}
