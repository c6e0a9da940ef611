import { createHash, randomUUID } from 'node:crypto';
import { findResultOfRun, insertRun, type StoredResult } from '../analytics/results-repository.js';
import { appendAudit } from '../governance/audit-log.js';
import type { Period } from '../metrics/period.js';
import type { QueryPlan } from '../metrics/query-plan.js';
import type { Database } from '../storage/database.js';
import type { AnswerReview } from './answer-review.js';
import type { NlAnswer } from './answer.js';

/**
 * An answer the review policy sends to review is stored as a result in the same queue as the
 * analysis results (`analytics_runs` / `analytics_results`, kind `answer`), so a reviewer
 * finds it with `moatmetrics review list` or GET /api/v1/reviews — the question, the plan
 * and the table — and approves or rejects it like any result (four-eyes included: the asker
 * started its run). One result per question asked of one dataset version: the run is keyed
 * by the semantic cache key (canonical plan, as-of date, scope, settings), so asking again,
 * in any phrasing that reads as the same plan, finds the stored result and its current
 * review instead of queueing a second one. A new import or rollback is new data: a new item.
 */

export const ANSWER_RESULT_KIND = 'answer';

export interface AnswerForReview {
  /** The semantic cache key of the answer (ask.ts `cacheKey`): what makes two askings the same item. */
  key: string;
  answer: NlAnswer;
  review: AnswerReview;
  version: number;
  asOf: string;
  /** The period the answer covers. */
  period: Period;
  /** The one client the answer is about, if one: a reviewer scoped to that client sees it. */
  clientId: string | null;
  /** Who asked: the run's creator (four-eyes: not the one to decide it). */
  actor: string;
}

/** The stored result for this answer: the one already queued for the same question on the same data, else a new one. */
export async function queueAnswerForReview(database: Database, input: AnswerForReview): Promise<StoredResult> {
  const planHash = createHash('sha256')
    .update(JSON.stringify(['nl.answer', input.key]))
    .digest('hex');
  const existing = await findResultOfRun(database.kysely, planHash, input.version);
  if (existing) return existing;
  try {
    await storeAnswer(database, planHash, input);
  } catch (error) {
    // The same question on the same data was queued a moment ago elsewhere (unique plan and version): that one it is.
    const winner = await findResultOfRun(database.kysely, planHash, input.version);
    if (winner) return winner;
    throw error;
  }
  return (await findResultOfRun(database.kysely, planHash, input.version))!;
}

async function storeAnswer(database: Database, planHash: string, input: AnswerForReview): Promise<void> {
  const { answer, review, version, asOf, period, clientId, actor } = input;
  const runId = randomUUID();
  const resultId = randomUUID();
  const now = new Date().toISOString();
  const plan: QueryPlan | null = answer.plan;
  const measure = plan?.measures[0] ?? 'why';
  const detail = { question: answer.question, plan, asOf, columns: answer.columns, rows: answer.rows, explanation: answer.explanation };
  await database.kysely.transaction().execute(async (trx) => {
    await insertRun(
      trx,
      {
        id: runId,
        kind: 'nl_answer',
        plan_hash: planHash,
        plan_json: JSON.stringify({ plan, asOf }),
        dataset_version: version,
        period_from: period.from,
        period_to: period.to,
        payload_json: JSON.stringify({ kind: 'nl_answer', resultId }),
        created_by: actor,
        created_at: now,
      },
      [
        {
          id: resultId,
          run_id: runId,
          kind: ANSWER_RESULT_KIND,
          client_id: clientId,
          subject: `question:${planHash.slice(0, 16)}`,
          subject_label: answer.question.slice(0, 200),
          metric: measure,
          value: singleValue(answer),
          confidence: answer.confidence ?? 0,
          review_status: review.status,
          review_reasons_json: JSON.stringify(review.reasons),
          dataset_version: version,
          detail_json: JSON.stringify(detail),
          created_at: now,
          reviewed_by: null,
          reviewed_at: null,
          review_comment: null,
        },
      ],
    );
    // The stored answer and its event commit together, as an analysis run's do.
    await appendAudit(trx, {
      actor,
      action: 'nl.review_queued',
      target: resultId,
      details: { question: answer.question.slice(0, 500), plan, asOf, version, confidence: answer.confidence, reasons: review.reasons },
    });
  });
}

/** The answer's number when it is one number (a total), as shown; null for a table. */
function singleValue(answer: NlAnswer): number | null {
  const [row, ...more] = answer.rows;
  if (!row || more.length > 0 || row.length !== 1) return null;
  return typeof row[0] === 'number' ? row[0] : null;
}
