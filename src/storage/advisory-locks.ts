import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * PostgreSQL advisory lock keys shared by every instance on one database (any constants
 * work; these spell "mmim" and "mmau"). Always taken in this order — data changes first,
 * audit appends last — so two transactions can never wait for each other.
 */
export const importLockId = 0x6d6d_696d;
export const auditLockId = 0x6d6d_6175;

/** Takes a transaction-scoped advisory lock on PostgreSQL; SQLite's `BEGIN IMMEDIATE` already serialises writers. */
export async function lockForTransaction(db: Pick<Kysely<unknown>, 'getExecutor'>, key: number): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`SELECT pg_advisory_xact_lock(${key})`.execute(db);
}
