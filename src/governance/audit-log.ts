import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { auditLockId, lockForTransaction } from '../storage/advisory-locks.js';
import { WriteBehindQueue } from '../storage/write-behind-queue.js';
import type { AuditEventTable, DatabaseSchema } from '../storage/schema.js';
import { findLastAuditEvent, insertAuditEvent, readRecordedHead, selectAuditEvents, selectAuditEventsFrom, storeRecordedHead } from './audit-log-repository.js';

/**
 * The tamper-evident audit trail. Every event gets the next sequence number and a hash over
 * a canonical encoding of its fields and the previous event's hash:
 *
 *   hash(n) = SHA-256( JSON [seq, occurred_at, actor, action, target, outcome, details, prev_hash] )
 *
 * with object keys sorted at every level, so the same event always encodes the same way on
 * either engine. Changing any field of event n changes hash(n); deleting or reordering
 * events breaks the seq run or the prev_hash links. `verifyAuditChain` walks the chain and
 * names the first event that does not hold. The table also refuses UPDATE and DELETE
 * (migration 0006), and the latest seq and hash are kept in app_meta so cutting events off
 * the end is noticed too.
 */

export const GENESIS_HASH = '0'.repeat(64);

export type AuditOutcome = 'success' | 'failure' | 'denied';

/** What happened, by whom, to what. `action` is `area.verb`, e.g. `auth.login`, `import.run`. */
export interface AuditInput {
  actor: string;
  action: string;
  target?: string | null;
  outcome?: AuditOutcome;
  details?: Record<string, unknown>;
  /** For tests and imports of history; default now. */
  occurredAt?: string;
}

export interface AuditEvent {
  seq: number;
  occurredAt: string;
  actor: string;
  action: string;
  target: string | null;
  outcome: AuditOutcome;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** JSON with object keys sorted at every level (arrays keep their order). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export function eventHash(row: Omit<AuditEventTable, 'hash'>): string {
  const details = JSON.parse(row.details_json) as unknown;
  const encoded = canonicalJson([Number(row.seq), row.occurred_at, row.actor, row.action, row.target, row.outcome, details, row.prev_hash]);
  return createHash('sha256').update(encoded).digest('hex');
}

/**
 * Appends one event. Called with a transaction (`trx`), the event commits or rolls back with
 * the change it records — an import, a review decision, a user change — so there is never a
 * change without its event, nor an event for a change that did not happen. Called with the
 * database, it opens a transaction of its own.
 *
 * Concurrent writers are serialised rather than retried: SQLite transactions are
 * `BEGIN IMMEDIATE` (one writer at a time, storage/sqlite-write-lock.ts), and on PostgreSQL a
 * transaction-scoped advisory lock orders appends, so the next seq can never be taken twice
 * and an import's transaction is never aborted by another appender.
 */
export async function appendAudit(db: Kysely<DatabaseSchema>, input: AuditInput): Promise<AuditEvent> {
  if (db.isTransaction) return appendAuditInOpenTransaction(db, input);
  return db.transaction().execute((trx) => appendAuditInOpenTransaction(trx, input));
}

/**
 * The append itself, on a connection whose transaction the caller holds — a Kysely
 * transaction, or an import writer's own connection after its `BEGIN IMMEDIATE` / `BEGIN`.
 */
export async function appendAuditInOpenTransaction(db: Kysely<DatabaseSchema>, input: AuditInput): Promise<AuditEvent> {
  await lockForTransaction(db, auditLockId);
  const head = await findLastAuditEvent(db);
  const row: Omit<AuditEventTable, 'hash'> = {
    seq: head ? Number(head.seq) + 1 : 1,
    occurred_at: input.occurredAt ?? new Date().toISOString(),
    actor: input.actor,
    action: input.action,
    target: input.target ?? null,
    outcome: input.outcome ?? 'success',
    details_json: canonicalJson(input.details ?? {}),
    prev_hash: head?.hash ?? GENESIS_HASH,
  };
  const hash = eventHash(row);
  await insertAuditEvent(db, { ...row, hash });
  await storeRecordedHead(db, JSON.stringify({ seq: row.seq, hash }));
  return toEvent({ ...row, hash });
}

const readQueues = new WeakMap<Kysely<DatabaseSchema>, WriteBehindQueue<AuditInput>>();

/**
 * Appends an event without making the caller wait: for reads (`data:read` of analytics,
 * results and the audit trail), which change nothing and must keep answering while another
 * process holds SQLite's write lock. Queued events are appended in order, a batch per
 * transaction; `flushQueuedAudit` waits for them (the server calls it when it closes).
 * Changes never use this: their event goes in their own transaction (`appendAudit(trx, …)`).
 */
export function enqueueAudit(db: Kysely<DatabaseSchema>, input: AuditInput): void {
  let queue = readQueues.get(db);
  if (!queue) {
    queue = new WriteBehindQueue<AuditInput>(
      (inputs) =>
        db.transaction().execute(async (trx) => {
          for (const queued of inputs) await appendAuditInOpenTransaction(trx, queued);
        }),
      { maxQueued: 50_000, batchSize: 200 },
    );
    readQueues.set(db, queue);
  }
  queue.add({ ...input, occurredAt: input.occurredAt ?? new Date().toISOString() });
}

export async function flushQueuedAudit(db: Kysely<DatabaseSchema>): Promise<void> {
  await readQueues.get(db)?.flush();
}

function toEvent(row: AuditEventTable): AuditEvent {
  return {
    seq: Number(row.seq),
    occurredAt: row.occurred_at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    outcome: row.outcome,
    details: storedDetails(row.details_json),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * Details as stored. A row edited in the database may no longer hold JSON: listing and
 * exporting still work and show the raw text, and `audit verify` names the event.
 */
function storedDetails(json: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(json) as unknown;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Fall through: tampered with; shown as it is.
  }
  return { unreadableDetails: json };
}

export interface AuditFilter {
  actor?: string;
  /** Exact action, or a prefix ending in `.` (e.g. `auth.`). */
  action?: string;
  outcome?: AuditOutcome;
  /** ISO date or timestamp bounds on occurred_at (to is inclusive of the whole day for a date). */
  from?: string;
  to?: string;
  /** Events after this seq (paging forward). */
  afterSeq?: number;
  limit?: number;
}

/** Events in seq order, filtered; `nextAfterSeq` continues the listing when there may be more. */
export async function listAudit(db: Kysely<DatabaseSchema>, filter: AuditFilter = {}): Promise<{ events: AuditEvent[]; nextAfterSeq: number | null }> {
  const limit = filter.limit ?? 100;
  // One more than asked for: it tells whether the listing continues.
  const rows = await selectAuditEvents(db, filter, limit + 1);
  const events = rows.slice(0, limit).map(toEvent);
  return { events, nextAfterSeq: rows.length > limit ? events.at(-1)!.seq : null };
}

export interface AuditVerification {
  ok: boolean;
  /** Events checked before stopping (all of them when ok). */
  checked: number;
  /** The first sequence number that does not hold, and why. */
  firstBadSeq: number | null;
  problem: string | null;
  head: { seq: number; hash: string } | null;
}

/**
 * Walks the whole chain in seq order, in pages, and stops at the first event that does not
 * hold: a missing or repeated seq (deleted or inserted events), a prev_hash that is not the
 * previous event's hash (reordered or replaced), a hash that does not match the event's
 * fields (edited), or a chain that ends before the recorded head (cut off).
 */
export async function verifyAuditChain(db: Kysely<DatabaseSchema>): Promise<AuditVerification> {
  // The recorded head is read before the walk: events appended while it runs (audited reads
  // are written all the time) then only lengthen the chain past it, instead of looking like
  // a head that got ahead of a chain cut short.
  const stored = await readRecordedHead(db);
  const head = stored !== undefined ? recordedHead(stored) : null;
  let hashAtHead: string | null = null;
  let expectedSeq = 1;
  let previousHash = GENESIS_HASH;
  let checked = 0;
  const fail = (seq: number, problem: string): AuditVerification => ({ ok: false, checked, firstBadSeq: seq, problem, head: null });
  for (;;) {
    const rows = await selectAuditEventsFrom(db, expectedSeq, 5000);
    if (rows.length === 0) break;
    for (const row of rows) {
      const seq = Number(row.seq);
      const changed = `event ${expectedSeq} was changed after it was written`;
      if (!Number.isSafeInteger(seq)) return fail(expectedSeq, `${changed} (its seq '${String(row.seq)}' is not a number)`);
      if (seq !== expectedSeq) return fail(expectedSeq, `event ${expectedSeq} is missing (the next one is ${seq}): events were deleted`);
      if (row.prev_hash !== previousHash)
        return fail(seq, `event ${seq} does not follow event ${seq - 1} (prev_hash differs): events were reordered, replaced or deleted`);
      if (!parsesAsJson(row.details_json)) return fail(seq, `${changed} (its details are not valid JSON)`);
      if (eventHash(row) !== row.hash) return fail(seq, `event ${seq} was changed after it was written (its hash does not match its content)`);
      previousHash = row.hash;
      if (head !== null && head !== 'damaged' && seq === head.seq) hashAtHead = row.hash;
      expectedSeq = seq + 1;
      checked += 1;
    }
  }
  const lastSeq = expectedSeq - 1;
  if (head === 'damaged') {
    const problem = `the recorded head of the chain was changed (it is not a seq and hash): events after ${lastSeq} may have been cut off`;
    return fail(lastSeq + 1, problem);
  }
  if (head && (head.seq > lastSeq || hashAtHead !== head.hash)) {
    return fail(Math.min(head.seq, lastSeq + 1), `the chain ends at event ${lastSeq} but event ${head.seq} was written: events were cut off the end`);
  }
  return { ok: true, checked, firstBadSeq: null, problem: null, head: lastSeq > 0 ? { seq: lastSeq, hash: previousHash } : null };
}

/** Tampering may leave any text in a column; verification names the event instead of failing on it. */
function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function recordedHead(value: string): { seq: number; hash: string } | 'damaged' {
  if (!parsesAsJson(value)) return 'damaged';
  const head = JSON.parse(value) as { seq?: unknown; hash?: unknown } | null;
  return typeof head?.seq === 'number' && typeof head.hash === 'string' ? { seq: head.seq, hash: head.hash } : 'damaged';
}
