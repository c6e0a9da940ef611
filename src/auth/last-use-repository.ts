import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/schema.js';
import { WriteBehindQueue } from '../storage/write-behind-queue.js';

/**
 * "Last used" stamps of sessions and API tokens, and the removal of sessions found expired,
 * are bookkeeping: the request that causes them must not wait for the database (another
 * process may hold SQLite's write lock for minutes). They are queued and written in
 * batches. An expired session is refused whether or not its row is gone yet.
 */
type Touch =
  { kind: 'session_seen'; idHash: string; at: string } | { kind: 'session_expired'; idHash: string } | { kind: 'token_used'; tokenId: string; at: string };

const queues = new WeakMap<Kysely<DatabaseSchema>, WriteBehindQueue<Touch>>();

function queueFor(db: Kysely<DatabaseSchema>): WriteBehindQueue<Touch> {
  let queue = queues.get(db);
  if (!queue) {
    queue = new WriteBehindQueue<Touch>((touches) => writeTouches(db, touches), { maxQueued: 10_000, batchSize: 200 });
    queues.set(db, queue);
  }
  return queue;
}

async function writeTouches(db: Kysely<DatabaseSchema>, touches: Touch[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const touch of touches) {
      if (touch.kind === 'session_seen') await trx.updateTable('sessions').set({ last_seen_at: touch.at }).where('id_hash', '=', touch.idHash).execute();
      else if (touch.kind === 'session_expired') await trx.deleteFrom('sessions').where('id_hash', '=', touch.idHash).execute();
      else await trx.updateTable('api_tokens').set({ last_used_at: touch.at }).where('id', '=', touch.tokenId).execute();
    }
  });
}

export function noteSessionSeen(db: Kysely<DatabaseSchema>, idHash: string, at: Date): void {
  queueFor(db).add({ kind: 'session_seen', idHash, at: at.toISOString() });
}

export function noteSessionExpired(db: Kysely<DatabaseSchema>, idHash: string): void {
  queueFor(db).add({ kind: 'session_expired', idHash });
}

export function noteTokenUsed(db: Kysely<DatabaseSchema>, tokenId: string, at: Date): void {
  queueFor(db).add({ kind: 'token_used', tokenId, at: at.toISOString() });
}

/** Waits until every stamp queued so far is written (the server calls it when it closes). */
export async function flushLastUse(db: Kysely<DatabaseSchema>): Promise<void> {
  await queues.get(db)?.flush();
}
