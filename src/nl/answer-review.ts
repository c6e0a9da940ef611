import { decideReview, type ReviewPolicy, type ReviewStatus } from '../governance/review-policy.js';

/**
 * Low confidence routes an answer to review like any result (DESIGN section 5): the policy's
 * `review_below` marks it pending review, `auto_approve_at` auto-approves it, and anything
 * between is approved with a note. An answer is not stored as a result: the review queue
 * holds analysis results (a client's profitability, a license position) that a reviewer can
 * approve once for everyone, while an answer is one person's question, cheap to ask again
 * and already in the audit trail with its plan. So the answer carries its review status and
 * says, in its explanation, why it is not to be relied on unchecked; the numbers behind it
 * are reviewed through the analysis run that stores them (POST /api/v1/analytics/runs).
 */
export interface AnswerReview {
  status: ReviewStatus;
  reasons: string[];
}

export function reviewOfAnswer(confidence: number | null, policy: ReviewPolicy): AnswerReview | null {
  if (confidence === null) return null;
  // Only the confidence applies: a negative margin in an answer is the answer, not a doubt about it.
  return decideReview({ confidence }, policy);
}

/** The sentence the explanation ends with when the answer waits for review. */
export function pendingReviewText(review: AnswerReview): string {
  return `Pending review: ${review.reasons.join('; ')} (review policy). Check the readings above before relying on this answer; it is not stored as a result.`;
}
