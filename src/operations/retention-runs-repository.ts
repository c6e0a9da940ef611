import type { Kysely } from 'kysely';
import type { DatabaseSchema, RetentionRunTable } from '../storage/schema.js';

/** What one retention run removed, or in a dry run would have removed. */
export interface RetentionCounts {
  /** Copies of imported files under data/raw/. */
  rawFiles: number;
  rawBytes: number;
  /** Leftovers of interrupted imports (`tmp/upload-*`, `raw/.incoming-*`; ingest/import-leftovers.ts), whatever the policy. */
  leftoverFiles: number;
  leftoverBytes: number;
  /** Rejected-row files under data/imports/<id>/ (and directories of imports never recorded). */
  rejectFiles: number;
  analyticsRuns: number;
  analyticsResults: number;
  sessions: number;
  securityEvents: number;
  apiTokens: number;
}

/** The cut-off timestamp applied to each kind; null where the policy keeps it forever. */
export interface RetentionCutoffs {
  rawFiles: string | null;
  analyticsRuns: string | null;
  sessions: string | null;
  securityEvents: string | null;
  apiTokens: string | null;
}

export interface RetentionRun {
  id: string;
  startedAt: string;
  finishedAt: string;
  actor: string;
  dryRun: boolean;
  counts: RetentionCounts;
  cutoffs: RetentionCutoffs;
  /** One line per file or row that could not be removed (at most a few dozen kept). */
  problems: string[];
}

function presentRun(row: RetentionRunTable): RetentionRun {
  return {
    id: row.id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    actor: row.actor,
    dryRun: Number(row.dry_run) === 1,
    counts: JSON.parse(row.counts_json) as RetentionCounts,
    cutoffs: JSON.parse(row.cutoffs_json) as RetentionCutoffs,
    problems: JSON.parse(row.problems_json) as string[],
  };
}

export async function recordRetentionRun(db: Kysely<DatabaseSchema>, run: RetentionRun): Promise<void> {
  await db
    .insertInto('retention_runs')
    .values({
      id: run.id,
      started_at: run.startedAt,
      finished_at: run.finishedAt,
      actor: run.actor,
      dry_run: run.dryRun ? 1 : 0,
      counts_json: JSON.stringify(run.counts),
      cutoffs_json: JSON.stringify(run.cutoffs),
      problems_json: JSON.stringify(run.problems),
    })
    .execute();
}

/**
 * The most recent retention run that removed things (dry runs change nothing, so they do
 * not count as retention having run), or null when there has been none.
 */
export async function latestRetentionRun(db: Kysely<DatabaseSchema>): Promise<RetentionRun | null> {
  const row = await db.selectFrom('retention_runs').selectAll().where('dry_run', '=', 0).orderBy('started_at', 'desc').limit(1).executeTakeFirst();
  return row ? presentRun(row) : null;
}
