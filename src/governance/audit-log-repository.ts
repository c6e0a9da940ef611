import type { Kysely } from 'kysely';
import type { AuditEventTable, DatabaseSchema } from '../storage/schema.js';
import type { AuditFilter } from './audit-log.js';

/**
 * The SQL of the audit trail. The hashing and the lock that orders appends stay in
 * audit-log.ts; these statements only read and write rows.
 */

/** Where the latest seq and hash are kept, so events cut off the end are noticed. */
const HEAD_KEY = 'audit_head';

/** The newest event's seq and hash, which the next event chains to. */
export async function findLastAuditEvent(db: Kysely<DatabaseSchema>): Promise<Pick<AuditEventTable, 'seq' | 'hash'> | undefined> {
  return db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

export async function insertAuditEvent(db: Kysely<DatabaseSchema>, row: AuditEventTable): Promise<void> {
  await db.insertInto('audit_events').values(row).execute();
}

/** Records the chain's head (JSON `{seq, hash}`), creating the entry on the first append. */
export async function storeRecordedHead(db: Kysely<DatabaseSchema>, value: string): Promise<void> {
  const updated = await db.updateTable('app_meta').set({ value }).where('key', '=', HEAD_KEY).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) await db.insertInto('app_meta').values({ key: HEAD_KEY, value }).execute();
}

/** The recorded head as stored (possibly tampered with), or undefined before the first event. */
export async function readRecordedHead(db: Kysely<DatabaseSchema>): Promise<string | undefined> {
  const stored = await db.selectFrom('app_meta').select('value').where('key', '=', HEAD_KEY).executeTakeFirst();
  return stored?.value;
}

/** Events in seq order matching `filter`, at most `limit` of them (`filter.limit` is the caller's). */
export async function selectAuditEvents(db: Kysely<DatabaseSchema>, filter: Omit<AuditFilter, 'limit'>, limit: number): Promise<AuditEventTable[]> {
  let query = db.selectFrom('audit_events').selectAll().orderBy('seq').limit(limit);
  if (filter.actor) query = query.where('actor', '=', filter.actor);
  if (filter.action) query = filter.action.endsWith('.') ? query.where('action', 'like', `${filter.action}%`) : query.where('action', '=', filter.action);
  if (filter.outcome) query = query.where('outcome', '=', filter.outcome);
  if (filter.from) query = query.where('occurred_at', '>=', filter.from);
  if (filter.to) query = query.where('occurred_at', '<=', filter.to.length === 10 ? `${filter.to}T23:59:59.999Z` : filter.to);
  if (filter.afterSeq !== undefined) query = query.where('seq', '>', filter.afterSeq);
  return query.execute();
}

/** One page of the chain from `fromSeq` on, in seq order, for verification. */
export async function selectAuditEventsFrom(db: Kysely<DatabaseSchema>, fromSeq: number, pageSize: number): Promise<AuditEventTable[]> {
  return db.selectFrom('audit_events').selectAll().where('seq', '>=', fromSeq).orderBy('seq').limit(pageSize).execute();
}
