import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/schema.js';
import { enqueueAudit } from './audit-log.js';

/**
 * DESIGN section 7: every read of analytics, stored results and the audit trail is an audit
 * event, `data.read`, so "who looked at client X's margins" has an answer. Reads change
 * nothing and must not wait for a writer (a CLI import holding SQLite's write lock), so the
 * event goes through the write-behind queue (`enqueueAudit`); the server and the CLI flush
 * it before they close.
 */
export interface DataRead {
  actor: string;
  /** What was read: `analytics.overview`, `results.list`, `result`, `audit.list`, `analysis.run` (a stored run served again). */
  what: string;
  /** Where: `GET /api/v1/analytics/overview`, `cli analyze`, … */
  via: string;
  /** The filters as resolved (client ids, industries, period bounds, paging, …). */
  filters?: Record<string, unknown>;
  /** The dataset version the numbers came from; null when the read is not of data (the audit trail). */
  datasetVersion?: number | null;
  /** The period the analysis covered, when it has one. */
  period?: { from: string; to: string };
  /** The one thing read (a result id), when the read names one. */
  target?: string;
}

export function auditDataRead(db: Kysely<DatabaseSchema>, read: DataRead): void {
  enqueueAudit(db, {
    actor: read.actor,
    action: 'data.read',
    target: read.target ?? read.what,
    details: {
      what: read.what,
      via: read.via,
      filters: withoutUndefined(read.filters ?? {}),
      datasetVersion: read.datasetVersion ?? null,
      ...(read.period ? { period: read.period } : {}),
    },
  });
}

/** JSON has no undefined; optional query parameters that were not given are left out. */
function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
