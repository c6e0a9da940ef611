import type { Kysely } from 'kysely';
import { csvLine } from '../export/csv-cell.js';
import type { DatabaseSchema } from '../storage/schema.js';
import { listAudit, type AuditFilter } from './audit-log.js';

export const auditCsvHeader = ['seq', 'occurred_at', 'actor', 'action', 'target', 'outcome', 'details', 'prev_hash', 'hash'] as const;

/**
 * The audit events matching `filter`, as CSV lines (formula-injection-safe cells) or as a
 * JSON array, produced page by page so an export of millions of events never sits in
 * memory. Each event keeps its hash and prev_hash, so an export can be checked later.
 */
export async function* exportAudit(
  db: Kysely<DatabaseSchema>,
  format: 'csv' | 'json',
  filter: Omit<AuditFilter, 'limit' | 'afterSeq'>,
): AsyncGenerator<string> {
  if (format === 'csv') yield csvLine(auditCsvHeader);
  else yield '[';
  let afterSeq: number | undefined;
  let first = true;
  for (;;) {
    const page = await listAudit(db, { ...filter, limit: 1000, ...(afterSeq !== undefined ? { afterSeq } : {}) });
    for (const e of page.events) {
      if (format === 'csv') {
        yield csvLine([e.seq, e.occurredAt, e.actor, e.action, e.target, e.outcome, JSON.stringify(e.details), e.prevHash, e.hash]);
      } else {
        yield `${first ? '\n' : ',\n'}${JSON.stringify(e)}`;
        first = false;
      }
    }
    if (page.nextAfterSeq === null) break;
    afterSeq = page.nextAfterSeq;
  }
  if (format === 'json') yield '\n]\n';
}
