import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import type { ErrorCode } from '../errors.js';
import type { DatabaseSchema, SecurityEventTable } from '../storage/schema.js';
import { insertSecurityEvents } from './security-events-repository.js';
import { WriteBehindQueue } from '../storage/write-behind-queue.js';

/**
 * Security events: refused logins, calls without or with bad credentials, forbidden calls,
 * rate limiting, rejected uploads and suspicious input. Each is stored (`security_events`)
 * and counted in-process for Prometheus (`moatmetrics_security_events_total{kind}` at
 * /metrics). Kept apart from the audit trail, which records what people did.
 */
export const securityEventKinds = [
  'login_refused',
  'auth_missing',
  'auth_invalid',
  'forbidden',
  'rate_limited',
  'upload_rejected',
  'suspicious_input',
] as const;
export type SecurityEventKind = (typeof securityEventKinds)[number];

export interface SecurityEventInput {
  kind: SecurityEventKind;
  actor?: string | null;
  ip?: string | null;
  method?: string | null;
  route?: string | null;
  detail: string;
}

/** Counts since this process started, per kind (Prometheus counters reset with the process). */
const counts = new Map<SecurityEventKind, number>(securityEventKinds.map((kind) => [kind, 0]));

type SecurityEventRow = Insertable<SecurityEventTable>;

/** One queue per database: tests and the CLI open several in one process. */
const queues = new WeakMap<Kysely<DatabaseSchema>, WriteBehindQueue<SecurityEventRow>>();

function queueFor(db: Kysely<DatabaseSchema>): WriteBehindQueue<SecurityEventRow> {
  let queue = queues.get(db);
  if (!queue) {
    queue = new WriteBehindQueue<SecurityEventRow>((rows) => insertSecurityEvents(db, rows), {
      maxQueued: 10_000,
      batchSize: 500,
      // Counted for Prometheus already; a database that refuses the batch must not crash the server.
      onError: (_error, lost) => (lostEvents += lost),
      onDrop: () => (lostEvents += 1),
    });
    queues.set(db, queue);
  }
  return queue;
}

let lostEvents = 0;

/**
 * Counts the event at once and queues it for the table: the refused request is answered
 * without waiting for the database, which another process may be writing to for minutes.
 */
export async function recordSecurityEvent(db: Kysely<DatabaseSchema>, event: SecurityEventInput): Promise<void> {
  counts.set(event.kind, (counts.get(event.kind) ?? 0) + 1);
  queueFor(db).add({
    id: randomUUID(),
    occurred_at: new Date().toISOString(),
    kind: event.kind,
    actor: event.actor ?? null,
    ip: event.ip ?? null,
    method: event.method ?? null,
    route: event.route?.slice(0, 500) ?? null,
    detail: event.detail.slice(0, 1000),
  });
}

/** Waits until every event queued so far is in the table. */
export async function flushSecurityEvents(db: Kysely<DatabaseSchema>): Promise<void> {
  await queues.get(db)?.flush();
}

/** Events counted but never stored (queue overflow or a database error) since start. */
export function unstoredSecurityEvents(): number {
  return lostEvents;
}

export function securityEventCounts(): ReadonlyMap<SecurityEventKind, number> {
  return counts;
}

/** Which refusals are security events, by the error code the caller got. */
export function securityKindOf(code: ErrorCode): SecurityEventKind | null {
  switch (code) {
    case 'MM_LOGIN_FAILED':
    case 'MM_ACCOUNT_LOCKED':
    case 'MM_LOGIN_THROTTLED':
      return 'login_refused';
    case 'MM_AUTH_REQUIRED':
      return 'auth_missing';
    case 'MM_AUTH_INVALID':
      return 'auth_invalid';
    case 'MM_FORBIDDEN':
    case 'MM_SESSION_REQUIRED':
    case 'MM_CROSS_ORIGIN':
    case 'MM_FOUR_EYES':
      return 'forbidden';
    case 'MM_RATE_LIMITED':
      return 'rate_limited';
    case 'MM_UPLOAD_TOO_LARGE':
    case 'MM_UPLOAD_MISSING_FILE':
    case 'MM_IMPORT_ENCODING':
    case 'MM_IMPORT_MALFORMED_CSV':
      return 'upload_rejected';
    case 'MM_INPUT_NUL_BYTE':
      return 'suspicious_input';
    default:
      return null;
  }
}

/**
 * Request targets that look like probing rather than use: path traversal, NUL bytes,
 * script tags, SQL injection idioms. Such requests are recorded (not blocked: the route's
 * own validation answers them).
 */
const suspicious = [/\.\.(\/|%2f|\\|%5c)/i, /%00/, /<script|%3cscript/i, /'\s*or\s+'?1'?\s*=\s*'?1|union(\s|%20|\+)+select|;\s*drop\s+table/i];

export function looksSuspicious(target: string): string | null {
  let decoded = target;
  try {
    decoded = decodeURIComponent(target);
  } catch {
    return 'malformed percent-encoding';
  }
  if (decoded.includes(String.fromCharCode(0))) return 'contains a NUL byte';
  const hit = suspicious.find((pattern) => pattern.test(target) || pattern.test(decoded));
  return hit ? `matches ${hit.source}` : null;
}

/** Prometheus text exposition of the security event counters. */
export function prometheusText(): string {
  const lines = [
    '# HELP moatmetrics_security_events_total Refused logins, missing or bad credentials, forbidden calls, rate limiting, rejected uploads and suspicious input since the process started.',
    '# TYPE moatmetrics_security_events_total counter',
  ];
  for (const [kind, count] of counts) lines.push(`moatmetrics_security_events_total{kind="${kind}"} ${count}`);
  lines.push(
    '# HELP moatmetrics_security_events_unstored_total Security events counted but not stored (the database refused them or the write queue overflowed).',
    '# TYPE moatmetrics_security_events_unstored_total counter',
    `moatmetrics_security_events_unstored_total ${lostEvents}`,
  );
  return `${lines.join('\n')}\n`;
}
