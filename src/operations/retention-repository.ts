import type { ExpressionBuilder, Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/schema.js';

/**
 * The SQL of retention (retention.ts): for each kind of row it removes, a count of what is
 * past the cut-off (dry runs) and the delete. Each pair uses the same condition, so a dry
 * run counts exactly what a real run would remove.
 */

/** When each raw file (by SHA-256) was last imported. */
export async function listNewestImportPerFile(db: Kysely<DatabaseSchema>): Promise<Array<{ file_sha256: string; finished_at: string }>> {
  return db
    .selectFrom('imports')
    .select(['file_sha256'])
    .select((eb) => eb.fn.max('finished_at').as('finished_at'))
    .groupBy('file_sha256')
    .execute();
}

/** Imports finished before `cutoff` that still name a rejected-rows file. */
export async function listOldRejectFiles(db: Kysely<DatabaseSchema>, cutoff: string): Promise<Array<{ id: string; rejects_file: string | null }>> {
  return db.selectFrom('imports').select(['id', 'rejects_file']).where('rejects_file', 'is not', null).where('finished_at', '<', cutoff).execute();
}

export async function clearRejectsFile(db: Kysely<DatabaseSchema>, importId: string): Promise<void> {
  await db.updateTable('imports').set({ rejects_file: null }).where('id', '=', importId).execute();
}

export async function listImportIds(db: Kysely<DatabaseSchema>): Promise<string[]> {
  return (await db.selectFrom('imports').select('id').execute()).map((row) => row.id);
}

export interface AnalyticsRunCounts {
  analyticsRuns: number;
  analyticsResults: number;
}

export async function countAnalyticsRunsBefore(db: Kysely<DatabaseSchema>, cutoff: string): Promise<AnalyticsRunCounts> {
  const oldRuns = db.selectFrom('analytics_runs').select('id').where('created_at', '<', cutoff);
  const runs = await db
    .selectFrom('analytics_runs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('created_at', '<', cutoff)
    .executeTakeFirstOrThrow();
  const results = await db
    .selectFrom('analytics_results')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('run_id', 'in', oldRuns)
    .executeTakeFirstOrThrow();
  return { analyticsRuns: Number(runs.n), analyticsResults: Number(results.n) };
}

/** Call within a transaction: results and their runs go together. */
export async function deleteAnalyticsRunsBefore(trx: Kysely<DatabaseSchema>, cutoff: string): Promise<AnalyticsRunCounts> {
  // Results first and explicitly, rather than relying on ON DELETE CASCADE (SQLite honours it only with foreign_keys on).
  const results = await trx
    .deleteFrom('analytics_results')
    .where('run_id', 'in', trx.selectFrom('analytics_runs').select('id').where('created_at', '<', cutoff))
    .executeTakeFirst();
  const runs = await trx.deleteFrom('analytics_runs').where('created_at', '<', cutoff).executeTakeFirst();
  return { analyticsRuns: Number(runs.numDeletedRows), analyticsResults: Number(results.numDeletedRows) };
}

/** Sessions that expired before `expiredBefore` or were last seen before `lastSeenBefore`. */
export interface DeadSessionCutoffs {
  expiredBefore: string;
  lastSeenBefore: string;
}

function deadSession(cutoffs: DeadSessionCutoffs) {
  return (eb: ExpressionBuilder<DatabaseSchema, 'sessions'>) =>
    eb.or([eb('expires_at', '<', cutoffs.expiredBefore), eb('last_seen_at', '<', cutoffs.lastSeenBefore)]);
}

export async function countDeadSessions(db: Kysely<DatabaseSchema>, cutoffs: DeadSessionCutoffs): Promise<number> {
  const row = await db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(deadSession(cutoffs))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function deleteDeadSessions(db: Kysely<DatabaseSchema>, cutoffs: DeadSessionCutoffs): Promise<number> {
  const result = await db.deleteFrom('sessions').where(deadSession(cutoffs)).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function countSecurityEventsBefore(db: Kysely<DatabaseSchema>, cutoff: string): Promise<number> {
  const row = await db
    .selectFrom('security_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('occurred_at', '<', cutoff)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function deleteSecurityEventsBefore(db: Kysely<DatabaseSchema>, cutoff: string): Promise<number> {
  return Number((await db.deleteFrom('security_events').where('occurred_at', '<', cutoff).executeTakeFirst()).numDeletedRows);
}

/** Tokens that expired or were revoked before the cut-off. */
function deadApiToken(cutoff: string) {
  return (eb: ExpressionBuilder<DatabaseSchema, 'api_tokens'>) => eb.or([eb('expires_at', '<', cutoff), eb('revoked_at', '<', cutoff)]);
}

export async function countDeadApiTokens(db: Kysely<DatabaseSchema>, cutoff: string): Promise<number> {
  const row = await db
    .selectFrom('api_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(deadApiToken(cutoff))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function deleteDeadApiTokens(db: Kysely<DatabaseSchema>, cutoff: string): Promise<number> {
  return Number((await db.deleteFrom('api_tokens').where(deadApiToken(cutoff)).executeTakeFirst()).numDeletedRows);
}
