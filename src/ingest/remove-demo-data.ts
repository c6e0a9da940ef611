import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { MmError } from '../errors.js';
import { appendAudit } from '../governance/audit-log.js';
import type { DatasetName } from './datasets/dataset-definition.js';
import { datasets } from './datasets/index.js';
import { rebuildRollups, runOn } from '../metrics/rollups/maintain-rollups.js';
import { importLockId, lockForTransaction } from '../storage/advisory-locks.js';
import type { DatabaseSchema } from '../storage/schema.js';
import { activeDemoVersions, deleteRowsOfVersions, insertVersion, nextVersionNumber, recordRemovedRows, rowsOfVersions } from './demo-data-repository.js';

export interface DemoRemoval {
  /** The demo versions whose rows were removed. */
  demoVersions: number[];
  /** The new versions, one per dataset that held demo rows, in the order written. */
  versions: Array<{ number: number; dataset: DatasetName; rowsRemoved: number }>;
}

/** Rows that name a client go before the clients themselves. */
const removalOrder: DatasetName[] = ['licenses', 'time_logs', 'invoices', 'staff', 'clients'];

/**
 * Removes the bundled demo data (`import --replace-demo`) in one transaction: for each
 * dataset that still holds rows of a demo version, a new dataset version (marked
 * `removes_demo`) deletes them and keeps each one in the undo log, so `versions rollback`
 * to the version before the removal brings the demo back exactly. Rows a real import has
 * since overwritten carry that import's version and stay. One `demo.remove` audit event
 * names the new versions and commits with them.
 */
export async function removeDemoData(db: Kysely<DatabaseSchema>, actor: string): Promise<DemoRemoval> {
  try {
    return await removeInTransaction(db, actor);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    // PostgreSQL foreign_key_violation; better-sqlite3's extended result code.
    if (code !== '23503' && code !== 'SQLITE_CONSTRAINT_FOREIGNKEY') throw error;
    throw new MmError(
      'MM_DEMO_DATA',
      'the demo data cannot be removed: rows of your own (imported with --force) refer to demo clients. ' +
        'Roll back to the version before the demo data (`moatmetrics versions list`), or import those clients yourself first',
    );
  }
}

async function removeInTransaction(db: Kysely<DatabaseSchema>, actor: string): Promise<DemoRemoval> {
  return db.transaction().execute(async (trx) => {
    // Not while an import is loading (PostgreSQL; on SQLite the transaction already holds the write lock).
    await lockForTransaction(trx, importLockId);
    const demoVersions = await activeDemoVersions(trx);
    const removal: DemoRemoval = { demoVersions, versions: [] };
    if (demoVersions.length === 0) return removal;
    const now = new Date().toISOString();
    for (const dataset of removalOrder) {
      const rows = await rowsOfVersions(trx, dataset, demoVersions);
      if (rows.length === 0) continue;
      const number = await nextVersionNumber(trx);
      await insertVersion(trx, {
        number,
        dataset,
        import_id: `demo-removal-${randomUUID()}`,
        created_by: actor,
        created_at: now,
        file_name: `(demo data removed: ${rows.length} ${rows.length === 1 ? 'row' : 'rows'})`,
        file_sha256: '',
        rows_added: 0,
        rows_updated: 0,
        rows_unchanged: 0,
        rows_rejected: 0,
        status: 'active',
        rolled_back_at: null,
        rolled_back_by: null,
        is_demo: 0,
        removes_demo: 1,
      });
      await recordRemovedRows(trx, number, dataset, datasets[dataset].keyColumn, rows);
      const removed = await deleteRowsOfVersions(trx, dataset, demoVersions);
      removal.versions.push({ number, dataset, rowsRemoved: removed });
    }
    await rebuildRollups(
      trx,
      runOn(trx),
      removal.versions.map((v) => v.dataset),
    );
    await appendAudit(trx, {
      actor,
      action: 'demo.remove',
      target: removal.versions.map((v) => v.number).join(','),
      details: {
        demoVersions,
        versions: removal.versions.map((v) => v.number),
        removed: Object.fromEntries(removal.versions.map((v) => [v.dataset, v.rowsRemoved])),
      },
    });
    return removal;
  });
}
