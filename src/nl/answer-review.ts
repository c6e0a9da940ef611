import { decideReview, type ReviewPolicy, type ReviewStatus } from '../governance/review-policy.js';

/**
 * Low confidence routes an answer to review like any result (DESIGN section 5): the policy's
 * `review_below` marks it pending review, `auto_approve_at` auto-approves it, and anything
 * between is approved with a note. A pending answer is stored as a result in the review
 * queue the analysis results use (answer-review-queue.ts): a reviewer sees the question, the
 * plan and the table in `moatmetrics review list` / GET /api/v1/reviews and approves or
 * rejects it. The answer carries the stored result's id and its current review, so the same
 * question asked again on the same data shows the reviewer's decision instead of queueing a
 * second item. Answers the policy approves are not stored: they are already in the audit
 * trail with their plan, and the queue is for what needs a person.
 */
export interface AnswerReview {
  status: ReviewStatus;
  reasons: string[];
  /** The stored result in the review queue; absent when the answer was not sent to review. */
  resultId?: string;
  /** Who approved or rejected it, once someone did. */
  reviewedBy?: string | null;
}

export function reviewOfAnswer(confidence: number | null, policy: ReviewPolicy): AnswerReview | null {
  if (confidence === null) return null;
  // Only the confidence applies: a negative margin in an answer is the answer, not a doubt about it.
  return decideReview({ confidence }, policy);
}

/** The sentence the explanation ends with for an answer in the review queue; null for one the policy approved. */
export function reviewSentence(review: AnswerReview): string | null {
  const stored = review.resultId ? ` (result ${review.resultId})` : '';
  if (review.status === 'pending_review')
    return `Pending review${stored}: ${review.reasons.join('; ')} (review policy). Check the readings above before relying on this answer; a reviewer approves or rejects it in the review queue.`;
  if (review.status === 'approved') return `Reviewed${stored}: approved by ${review.reviewedBy ?? 'a reviewer'}.`;
  if (review.status === 'rejected') return `Reviewed${stored}: rejected by ${review.reviewedBy ?? 'a reviewer'}; do not rely on this answer.`;
  return null;
}
