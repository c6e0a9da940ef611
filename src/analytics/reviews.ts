import type { Kysely } from 'kysely';
import { MmError } from '../errors.js';
import { appendAudit } from '../governance/audit-log.js';
import type { ReviewPolicy, ReviewStatus } from '../governance/review-policy.js';
import type { DatabaseSchema } from '../storage/schema.js';
import { activeVersionsCreatedBy } from '../versions/versions-repository.js';
import { findResult, findRunCreator, recordReviewDecision, resultInScope, type StoredResultWithDetail } from './results-repository.js';

/** Statuses a reviewer can still decide: waiting for review, or approved only with a note. */
const decidable: readonly ReviewStatus[] = ['pending_review', 'approved_with_note'];
const MIN_COMMENT = 3;

export interface ReviewRequest {
  resultId: string;
  decision: 'approve' | 'reject';
  comment: string;
  reviewer: string;
  /** The reviewer's client scope: results about other clients are answered as not found. */
  clientScope?: readonly string[] | null;
}

/**
 * Records a reviewer's decision on one stored result: who, when, and a required comment.
 * Under four-eyes (policy `review.four_eyes`) nobody decides a result computed from a
 * dataset version they imported, or from an analysis run they started. The update only
 * applies if the status is still the one that was read, so two reviewers deciding at once
 * cannot both win.
 */
export async function decideResult(db: Kysely<DatabaseSchema>, policy: ReviewPolicy, request: ReviewRequest): Promise<StoredResultWithDetail> {
  const comment = request.comment.trim();
  if (comment.length < MIN_COMMENT)
    throw new MmError(
      'MM_VALIDATION',
      `a review ${request.decision === 'approve' ? 'approval' : 'rejection'} needs a comment of at least ${MIN_COMMENT} characters saying why`,
    );
  const result = await findResult(db, request.resultId);
  if (!result || !resultInScope(result, request.clientScope ?? null)) {
    throw new MmError('MM_NOT_FOUND', `no stored result with id '${request.resultId}'`);
  }
  if (!decidable.includes(result.reviewStatus)) {
    throw new MmError(
      'MM_REVIEW_CONFLICT',
      `result ${result.id} (${result.subjectLabel}) is ${result.reviewStatus}${result.reviewedBy ? ` by ${result.reviewedBy}` : ''}; only pending or noted results can be decided`,
    );
  }
  if (policy.four_eyes) await checkFourEyes(db, result, request.reviewer);

  const status: ReviewStatus = request.decision === 'approve' ? 'approved' : 'rejected';
  const now = new Date().toISOString();
  // The decision and its event commit together; the optimistic check makes a second reviewer's decision fail.
  await db.transaction().execute(async (trx) => {
    const updated = await recordReviewDecision(trx, { id: result.id, from: result.reviewStatus, to: status, reviewer: request.reviewer, at: now, comment });
    if (!updated) throw new MmError('MM_REVIEW_CONFLICT', `result ${result.id} was decided by someone else a moment ago; reload it`);
    await appendAudit(trx, {
      actor: request.reviewer,
      action: `review.${request.decision}`,
      target: result.id,
      details: {
        kind: result.kind,
        subject: result.subject,
        label: result.subjectLabel,
        from: result.reviewStatus,
        to: status,
        comment,
        datasetVersion: result.datasetVersion,
      },
    });
  });
  return (await findResult(db, result.id))!;
}

async function checkFourEyes(db: Kysely<DatabaseSchema>, result: StoredResultWithDetail, reviewer: string): Promise<void> {
  if ((await findRunCreator(db, result.runId)) === reviewer) {
    throw new MmError('MM_FOUR_EYES', `four-eyes rule: ${reviewer} started the analysis run that produced this result; another reviewer must decide it`);
  }
  const own = await activeVersionsCreatedBy(db, reviewer, result.datasetVersion);
  if (own.length > 0) {
    const versions = own.map((v) => `${v.number} (${v.dataset})`).join(', ');
    throw new MmError(
      'MM_FOUR_EYES',
      `four-eyes rule: this result was computed from data ${reviewer} imported (version ${versions}); another reviewer must decide it`,
    );
  }
}
