import { sql, type Kysely, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { ReviewStatus } from '../governance/review-policy.js';
import type { Period } from '../metrics/period.js';
import type { AnalyticsResultTable, AnalyticsRunTable, DatabaseSchema } from '../storage/schema.js';

/**
 * Reads the reviewable results `runAnalysis` stores (`analytics_results`, one per client's
 * profitability, license position and portfolio total), with the period of the run that
 * produced them. Review decisions update these rows in place, so what is read here is the
 * current status, not the one the policy first chose.
 */

/** One stored result as the API and the review queue show it. */
export interface StoredResult {
  id: string;
  runId: string;
  /** `profitability`, `license` or `overview` (as written by runAnalysis). */
  kind: string;
  /** A client id, `clientId:vendor:product`, or `portfolio`: a label and key, never parsed for the client. */
  subject: string;
  /** The client the result is about, as stored beside it; null for portfolio results. */
  clientId: string | null;
  subjectLabel: string;
  metric: string;
  value: number | null;
  confidence: number;
  reviewStatus: ReviewStatus;
  reasons: string[];
  datasetVersion: number;
  /** The period of the run the value was computed for. */
  period: Period;
  createdAt: string;
  /** The reviewer's decision, once a person approved or rejected the result. */
  reviewedBy: string | null;
  reviewedAt: string | null;
  reviewComment: string | null;
  /** For a plain-English answer sent to review (kind `answer`): what was asked and what was answered. */
  answer?: StoredAnswer;
}

/** What a reviewer of an answer needs to see: the question, the plan that ran and the table. */
export interface StoredAnswer {
  question: string;
  plan: Record<string, unknown> | null;
  asOf: string;
  columns: string[];
  rows: Array<Array<string | number | null>>;
  explanation: string;
}

export interface StoredResultWithDetail extends StoredResult {
  /** What runAnalysis kept beside the value (e.g. gross profit and revenue, a seat recommendation). */
  detail: unknown;
}

export interface ResultFilter {
  status?: ReviewStatus;
  kind?: string;
  subject?: string;
  datasetVersion?: number;
  /** Only results about these clients (per-user client scope); portfolio results are left out. */
  clientScope?: readonly string[] | null;
}

/** The review a result currently has, keyed by `reviewKey(client, subject)` in `latestReviews`. */
export interface SubjectReview {
  resultId: string;
  status: ReviewStatus;
  reasons: string[];
  /** The value that was reviewed, so a caller can check it labels the number it shows. */
  value: number | null;
}

type ResultQuery = SelectQueryBuilder<DatabaseSchema, 'analytics_results' | 'analytics_runs', object>;

function joinedResults(db: Kysely<DatabaseSchema>): ResultQuery {
  return db.selectFrom('analytics_results').innerJoin('analytics_runs', 'analytics_runs.id', 'analytics_results.run_id');
}

function withFilter(query: ResultQuery, filter: ResultFilter): ResultQuery {
  let q = query;
  if (filter.status !== undefined) q = q.where('analytics_results.review_status', '=', filter.status);
  if (filter.kind !== undefined) q = q.where('analytics_results.kind', '=', filter.kind);
  if (filter.subject !== undefined) q = q.where('analytics_results.subject', '=', filter.subject);
  if (filter.datasetVersion !== undefined) q = q.where('analytics_results.dataset_version', '=', filter.datasetVersion);
  const scope = filter.clientScope;
  // Equality on the stored client id: a client id may contain ':' (`C1:sub`), so no prefix of the subject says whose it is.
  if (scope) q = scope.length === 0 ? q.where(sql<SqlBool>`1 = 0`) : q.where('analytics_results.client_id', 'in', [...scope]);
  return q;
}

/** Whether a user with client scope `scope` (null: every client) may see `result`; portfolio results are outside every scope. */
export function resultInScope(result: Pick<StoredResult, 'clientId'>, scope: readonly string[] | null): boolean {
  if (scope === null) return true;
  return result.clientId !== null && scope.includes(result.clientId);
}

const resultColumns = [
  'analytics_results.id',
  'analytics_results.run_id',
  'analytics_results.kind',
  'analytics_results.subject',
  'analytics_results.client_id',
  'analytics_results.subject_label',
  'analytics_results.metric',
  'analytics_results.value',
  'analytics_results.confidence',
  'analytics_results.review_status',
  'analytics_results.review_reasons_json',
  'analytics_results.dataset_version',
  'analytics_results.created_at',
  'analytics_results.reviewed_by',
  'analytics_results.reviewed_at',
  'analytics_results.review_comment',
  'analytics_runs.period_from',
  'analytics_runs.period_to',
] as const;

/**
 * Newest first; within one run (which stores all its results at the same instant) by kind
 * and subject, so that pages are stable.
 */
export async function listResults(
  db: Kysely<DatabaseSchema>,
  filter: ResultFilter,
  page: { limit: number; offset: number },
): Promise<{ results: StoredResult[]; total: number }> {
  const rows = await withFilter(joinedResults(db), filter)
    .select([...resultColumns, 'analytics_results.detail_json'])
    .orderBy('analytics_results.created_at', 'desc')
    .orderBy('analytics_results.run_id')
    .orderBy('analytics_results.kind')
    .orderBy('analytics_results.subject')
    .orderBy('analytics_results.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const count = await withFilter(joinedResults(db), filter)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return { results: rows.map(resultFromRow), total: Number(count?.n ?? 0) };
}

export async function findResult(db: Kysely<DatabaseSchema>, id: string): Promise<StoredResultWithDetail | null> {
  const row = await joinedResults(db)
    .select([...resultColumns, 'analytics_results.detail_json'])
    .where('analytics_results.id', '=', id)
    .executeTakeFirst();
  return row ? { ...resultFromRow(row), detail: JSON.parse(row.detail_json) as unknown } : null;
}

/**
 * The key of a result in `latestReviews`: its client and its subject together, because a
 * subject alone is ambiguous (client `C1` with vendor `sub` and client `C1:sub` can make the
 * same license subject).
 */
export function reviewKey(clientId: string | null, subject: string): string {
  return JSON.stringify([clientId, subject]);
}

/**
 * Per client and subject, the review of the newest stored result of `kind` computed on
 * `datasetVersion` for exactly `period`: the same number a fresh analysis of that period
 * shows. Results for other periods are left out, because their values (and so their reviews)
 * differ; with a client scope, so are results about other clients and the portfolio.
 */
export async function latestReviews(
  db: Kysely<DatabaseSchema>,
  scope: { kind: string; datasetVersion: number; period: Period; clientScope?: readonly string[] | null },
): Promise<Map<string, SubjectReview>> {
  const rows = await withFilter(joinedResults(db), { clientScope: scope.clientScope ?? null })
    .select([
      'analytics_results.id',
      'analytics_results.client_id',
      'analytics_results.subject',
      'analytics_results.value',
      'analytics_results.review_status',
      'analytics_results.review_reasons_json',
    ])
    .where('analytics_results.kind', '=', scope.kind)
    .where('analytics_results.dataset_version', '=', scope.datasetVersion)
    .where('analytics_runs.period_from', '=', scope.period.from)
    .where('analytics_runs.period_to', '=', scope.period.to)
    .orderBy('analytics_results.created_at', 'desc')
    .orderBy('analytics_results.id')
    .execute();
  const reviews = new Map<string, SubjectReview>();
  for (const row of rows) {
    const key = reviewKey(row.client_id, row.subject);
    if (reviews.has(key)) continue;
    reviews.set(key, {
      resultId: row.id,
      status: row.review_status,
      reasons: JSON.parse(row.review_reasons_json) as string[],
      value: row.value === null ? null : Number(row.value),
    });
  }
  return reviews;
}

interface ResultRow {
  id: string;
  run_id: string;
  kind: string;
  subject: string;
  client_id: string | null;
  subject_label: string;
  metric: string;
  value: number | null;
  confidence: number;
  review_status: ReviewStatus;
  review_reasons_json: string;
  dataset_version: number;
  created_at: string;
  reviewed_by: string | null;
  reviewed_at: string | null;
  review_comment: string | null;
  period_from: string;
  period_to: string;
  /** Read where answers are shown (their question and table are in it). */
  detail_json?: string;
}

function resultFromRow(row: ResultRow): StoredResult {
  const answer = row.kind === 'answer' && row.detail_json !== undefined ? (JSON.parse(row.detail_json) as StoredAnswer) : undefined;
  return {
    id: row.id,
    runId: row.run_id,
    kind: row.kind,
    subject: row.subject,
    clientId: row.client_id,
    subjectLabel: row.subject_label,
    metric: row.metric,
    value: row.value === null ? null : Number(row.value),
    confidence: Number(row.confidence),
    reviewStatus: row.review_status,
    reasons: JSON.parse(row.review_reasons_json) as string[],
    datasetVersion: Number(row.dataset_version),
    period: { from: row.period_from, to: row.period_to },
    createdAt: row.created_at,
    reviewedBy: row.reviewed_by,
    reviewedAt: row.reviewed_at,
    reviewComment: row.review_comment,
    ...(answer ? { answer } : {}),
  };
}

/** The stored document of the run for this plan on this dataset version, if one finished. */
export async function findRunPayload(db: Kysely<DatabaseSchema>, planHash: string, datasetVersion: number): Promise<string | null> {
  const row = await db
    .selectFrom('analytics_runs')
    .select(['payload_json'])
    .where('plan_hash', '=', planHash)
    .where('dataset_version', '=', datasetVersion)
    .executeTakeFirst();
  return row?.payload_json ?? null;
}

/**
 * The first result (by id) of the run stored for this plan on this dataset version, with its
 * current review: for runs of one result, such as a plain-English answer sent to review
 * (src/nl/answer-review-queue.ts), what asking again finds instead of storing a second one.
 */
export async function findResultOfRun(db: Kysely<DatabaseSchema>, planHash: string, datasetVersion: number): Promise<StoredResult | null> {
  const row = await joinedResults(db)
    .select([...resultColumns, 'analytics_results.detail_json'])
    .where('analytics_runs.plan_hash', '=', planHash)
    .where('analytics_runs.dataset_version', '=', datasetVersion)
    .orderBy('analytics_results.id')
    .executeTakeFirst();
  return row ? resultFromRow(row) : null;
}

/** A run and its results, inside the caller's transaction (which also records the audit event). */
export async function insertRun(trx: Kysely<DatabaseSchema>, run: AnalyticsRunTable, results: readonly AnalyticsResultTable[]): Promise<void> {
  await trx.insertInto('analytics_runs').values(run).execute();
  for (let i = 0; i < results.length; i += 500)
    await trx
      .insertInto('analytics_results')
      .values(results.slice(i, i + 500))
      .execute();
}

/** The current review status of each result of a run (decisions update the rows in place). */
export async function listRunReviewStates(
  db: Kysely<DatabaseSchema>,
  runId: string,
): Promise<Array<{ id: string; review_status: ReviewStatus; review_reasons_json: string }>> {
  return db.selectFrom('analytics_results').select(['id', 'review_status', 'review_reasons_json']).where('run_id', '=', runId).execute();
}

/** Who started the analysis run (four-eyes: they may not decide its results). */
export async function findRunCreator(db: Kysely<DatabaseSchema>, runId: string): Promise<string | null> {
  const row = await db.selectFrom('analytics_runs').select('created_by').where('id', '=', runId).executeTakeFirst();
  return row?.created_by ?? null;
}

/**
 * Stores a review decision if the result is still in the status the reviewer saw (`from`);
 * false when someone else decided it in between.
 */
export async function recordReviewDecision(
  trx: Kysely<DatabaseSchema>,
  decision: { id: string; from: ReviewStatus; to: ReviewStatus; reviewer: string; at: string; comment: string },
): Promise<boolean> {
  const updated = await trx
    .updateTable('analytics_results')
    .set({ review_status: decision.to, reviewed_by: decision.reviewer, reviewed_at: decision.at, review_comment: decision.comment })
    .where('id', '=', decision.id)
    .where('review_status', '=', decision.from)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}
