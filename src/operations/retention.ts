import { randomUUID } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { readdir, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { appendAudit } from '../governance/audit-log.js';
import { removeImportLeftovers } from '../ingest/import-leftovers.js';
import { resolveRejectsPath } from '../ingest/rejects-file.js';
import type { Policy } from '../governance/policy.js';
import type { Database } from '../storage/database.js';
import {
  clearRejectsFile,
  countAnalyticsRunsBefore,
  countDeadApiTokens,
  countDeadSessions,
  countSecurityEventsBefore,
  deleteAnalyticsRunsBefore,
  deleteDeadApiTokens,
  deleteDeadSessions,
  deleteSecurityEventsBefore,
  listImportIds,
  listNewestImportPerFile,
  listOldRejectFiles,
} from './retention-repository.js';
import { latestRetentionRun, recordRetentionRun, type RetentionCounts, type RetentionCutoffs, type RetentionRun } from './retention-runs-repository.js';

/**
 * Retention (policy `retention`): removes what MoatMetrics keeps only for a while.
 *
 * - Raw copies of imported files (`data/raw/<sha256>`) whose newest import finished
 *   before the cut-off, and rejected-row files (`data/imports/<id>/rejected.csv`) of imports
 *   that finished before it. The import records stay; their `rejects_file` becomes null.
 * - Stored analytics runs created before the cut-off, with their results.
 * - Whatever the policy says, leftovers of interrupted imports (ingest/import-leftovers.ts).
 * - Sessions that expired (idle or absolute) longer ago than the cut-off.
 *
 * Never touched: the audit trail (its hash chain would break, and the table refuses
 * deletes anyway), the current data (clients, staff, invoices, time logs, licenses) and
 * the history that explains it (dataset versions, undo rows, import records), users and
 * API tokens. Each run is recorded in `retention_runs` and audited as `retention.run`.
 */

export interface RetentionOptions {
  actor: string;
  /** Count what would be removed and remove nothing. */
  dryRun?: boolean;
  now?: Date;
}

/** Problems listed on a run; a broken mount could otherwise produce one per file. */
const MAX_PROBLEMS = 50;
const DAY_MS = 86_400_000;

export async function runRetention(database: Database, config: Config, policy: Policy, options: RetentionOptions): Promise<RetentionRun> {
  const now = options.now ?? new Date();
  const dryRun = options.dryRun ?? false;
  const startedAt = new Date().toISOString();
  const days = policy.retention;
  const cutoffs: RetentionCutoffs = {
    rawFiles: daysBefore(now, days.raw_files_days),
    analyticsRuns: daysBefore(now, days.analytics_runs_days),
    sessions: daysBefore(now, days.sessions_days),
    securityEvents: daysBefore(now, days.security_events_days),
    apiTokens: daysBefore(now, days.api_tokens_days),
  };
  const problems: string[] = [];
  const work: RetentionWork = { database, config, dryRun, problems };

  const counts: RetentionCounts = {
    rawFiles: 0,
    rawBytes: 0,
    leftoverFiles: 0,
    leftoverBytes: 0,
    rejectFiles: 0,
    analyticsRuns: 0,
    analyticsResults: 0,
    sessions: 0,
    securityEvents: 0,
    apiTokens: 0,
  };
  // Not a matter of policy: nothing ever reads these files again.
  const leftovers = await removeImportLeftovers(config.data_dir, { dryRun, now });
  counts.leftoverFiles = leftovers.files;
  counts.leftoverBytes = leftovers.bytes;
  problems.push(...leftovers.problems);
  if (cutoffs.rawFiles) {
    Object.assign(counts, await removeOldRawFiles(work, cutoffs.rawFiles));
    counts.rejectFiles = await removeOldRejects(work, cutoffs.rawFiles);
  }
  if (cutoffs.analyticsRuns) Object.assign(counts, await removeOldAnalyticsRuns(work, cutoffs.analyticsRuns));
  if (days.sessions_days !== null) counts.sessions = await removeExpiredSessions(work, now, days.sessions_days, policy.sessions.idle_minutes);
  if (cutoffs.securityEvents) counts.securityEvents = await removeOldSecurityEvents(work, cutoffs.securityEvents);
  if (cutoffs.apiTokens) counts.apiTokens = await removeDeadApiTokens(work, cutoffs.apiTokens);

  const run: RetentionRun = {
    id: randomUUID(),
    startedAt,
    finishedAt: new Date().toISOString(),
    actor: options.actor,
    dryRun,
    counts,
    cutoffs,
    problems: problems.slice(0, MAX_PROBLEMS),
  };
  await recordRetentionRun(database.kysely, run);
  await appendAudit(database.kysely, {
    actor: options.actor,
    action: 'retention.run',
    target: run.id,
    outcome: problems.length > 0 ? 'failure' : 'success',
    details: { dryRun, counts, cutoffs, problems: problems.length },
  });
  return run;
}

interface RetentionWork {
  database: Database;
  config: Config;
  dryRun: boolean;
  problems: string[];
}

function daysBefore(now: Date, days: number | null): string | null {
  return days === null ? null : new Date(now.getTime() - days * DAY_MS).toISOString();
}

/** Removes one file or directory, or notes why it could not; false when it was not removed. */
async function remove(work: RetentionWork, target: string, options: { recursive?: boolean } = {}): Promise<boolean> {
  if (work.dryRun) return true;
  try {
    await rm(target, { force: true, recursive: options.recursive ?? false });
    return true;
  } catch (error) {
    work.problems.push(`cannot remove ${target}: ${(error as Error).message}`);
    return false;
  }
}

async function listDir(dir: string): Promise<Dirent[]> {
  return readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
}

/**
 * Raw files are named by content hash and shared by every import of the same bytes, so a
 * file goes only when the newest import of it is old. Its modification time must be old
 * too: an import renames a fresh copy into place before it records itself, and that copy
 * must survive a retention run that starts in between. (`.incoming-*` copies of imports
 * that did not finish are leftovers, removed apart from the policy.)
 */
async function removeOldRawFiles(work: RetentionWork, cutoff: string): Promise<Pick<RetentionCounts, 'rawFiles' | 'rawBytes'>> {
  const rawDir = path.join(work.config.data_dir, 'raw');
  const entries = await listDir(rawDir);
  if (entries.length === 0) return { rawFiles: 0, rawBytes: 0 };
  const newestImport = new Map<string, string>();
  const rows = await listNewestImportPerFile(work.database.kysely);
  for (const row of rows) newestImport.set(row.file_sha256, row.finished_at);

  let rawFiles = 0;
  let rawBytes = 0;
  for (const entry of entries) {
    if (!entry.isFile() || !/^[0-9a-f]{64}$/.test(entry.name)) continue;
    const file = path.join(rawDir, entry.name);
    const info = await stat(file).catch(() => null);
    if (!info || info.mtime.toISOString() >= cutoff) continue;
    const lastImport = newestImport.get(entry.name);
    if (lastImport !== undefined && lastImport >= cutoff) continue;
    if (await remove(work, file)) {
      rawFiles += 1;
      rawBytes += info.size;
    }
  }
  return { rawFiles, rawBytes };
}

/**
 * Rejects files of imports finished before the cut-off: the file goes, its path on the
 * import record is cleared (the API then answers "no rejected rows to download"), the
 * record and its inline errors stay. Directories under data/imports/ that no import
 * record names (an import that crashed) go once they are older than the cut-off.
 */
async function removeOldRejects(work: RetentionWork, cutoff: string): Promise<number> {
  const db = work.database.kysely;
  const importsDir = path.join(work.config.data_dir, 'imports');
  let removed = 0;
  const old = await listOldRejectFiles(db, cutoff);
  for (const row of old) {
    const file = resolveRejectsPath(work.config.data_dir, row.rejects_file!);
    // Only ever delete inside the data directory, whatever the column says.
    if (!isInside(importsDir, file)) {
      work.problems.push(`import ${row.id}: rejects file ${file} is outside ${importsDir}; left alone`);
      continue;
    }
    if (!(await remove(work, file))) continue;
    removed += 1;
    if (work.dryRun) continue;
    await clearRejectsFile(db, row.id);
    await rmdir(path.dirname(file)).catch(() => undefined); // only when empty
  }

  const entries = await listDir(importsDir);
  if (entries.length === 0) return removed;
  const known = new Set(await listImportIds(db));
  for (const entry of entries) {
    if (!entry.isDirectory() || known.has(entry.name)) continue;
    const dir = path.join(importsDir, entry.name);
    const info = await stat(dir).catch(() => null);
    if (!info || info.mtime.toISOString() >= cutoff) continue;
    if (await remove(work, dir, { recursive: true })) removed += 1;
  }
  return removed;
}

function isInside(dir: string, file: string): boolean {
  const relative = path.relative(dir, path.resolve(file));
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** Stored runs are a cache of computed results plus their review decisions; a later run recomputes. */
async function removeOldAnalyticsRuns(work: RetentionWork, cutoff: string): Promise<Pick<RetentionCounts, 'analyticsRuns' | 'analyticsResults'>> {
  const db = work.database.kysely;
  if (work.dryRun) return countAnalyticsRunsBefore(db, cutoff);
  return db.transaction().execute((trx) => deleteAnalyticsRunsBefore(trx, cutoff));
}

/** A session is dead at `expires_at` or `idle_minutes` after it was last seen, whichever comes first. */
async function removeExpiredSessions(work: RetentionWork, now: Date, days: number, idleMinutes: number): Promise<number> {
  const db = work.database.kysely;
  const cutoffs = {
    expiredBefore: new Date(now.getTime() - days * DAY_MS).toISOString(),
    lastSeenBefore: new Date(now.getTime() - days * DAY_MS - idleMinutes * 60_000).toISOString(),
  };
  return work.dryRun ? countDeadSessions(db, cutoffs) : deleteDeadSessions(db, cutoffs);
}

async function removeOldSecurityEvents(work: RetentionWork, cutoff: string): Promise<number> {
  const db = work.database.kysely;
  return work.dryRun ? countSecurityEventsBefore(db, cutoff) : deleteSecurityEventsBefore(db, cutoff);
}

/** Tokens that expired or were revoked before the cut-off; they can never be used again. */
async function removeDeadApiTokens(work: RetentionWork, cutoff: string): Promise<number> {
  const db = work.database.kysely;
  return work.dryRun ? countDeadApiTokens(db, cutoff) : deleteDeadApiTokens(db, cutoff);
}

/** Where the schedule reports; pino's logger (the server's `app.log`) fits. */
export interface RetentionLog {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface RetentionScheduleOptions {
  /** Wait after start before the first check, so a restart does not slow the server's start (default 60 s). */
  firstCheckMs?: number;
}

/** setTimeout's limit (about 24.8 days); longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs retention every `retention.run_every_hours`, counted from the last recorded run, so
 * a server restarted daily still runs it on time, and several servers on one PostgreSQL
 * database do not each run it. Timers are unref'd: the schedule never keeps the process
 * alive. Returns `stop`, which cancels the next run and resolves once a run in progress has
 * finished (call it before closing the database).
 */
export function startRetentionSchedule(
  database: Database,
  config: Config,
  policy: Policy,
  log: RetentionLog,
  options: RetentionScheduleOptions = {},
): () => Promise<void> {
  const everyMs = policy.retention.run_every_hours * 3_600_000;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;

  const arm = (delayMs: number): void => {
    if (stopped) return;
    timer = setTimeout(() => void tick(), Math.max(0, Math.min(delayMs, MAX_TIMER_MS)));
    timer.unref();
  };

  const tick = async (): Promise<void> => {
    timer = null;
    const last = await latestRetentionRun(database.kysely).catch(() => null);
    const dueAt = last ? Date.parse(last.startedAt) + everyMs : 0;
    if (stopped) return;
    if (Date.now() < dueAt) return arm(dueAt - Date.now());
    running = runRetention(database, config, policy, { actor: 'system:retention' }).then(
      (run) => log.info({ retentionRun: run.id, counts: run.counts, problems: run.problems.length }, 'retention run finished'),
      (error: unknown) => log.error({ err: error }, 'retention run failed'),
    );
    await running;
    running = null;
    arm(everyMs);
  };

  arm(options.firstCheckMs ?? 60_000);
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
