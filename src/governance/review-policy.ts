import { z } from 'zod';
import type { ReviewStatus } from './review-status.js';

/**
 * Which results a person must look at before they are trusted (DESIGN section 5).
 * Defaults: confidence < 0.7 → pending review; ≥ 0.9 → auto-approved; in between →
 * approved with a note; a negative margin, over-assigned seats or client names matched
 * automatically and not yet confirmed always go to review.
 * They live in the policy file (config/policies/default.yaml, `review:`).
 */
export const reviewPolicySchema = z
  .object({
    review_below: z.number().min(0).max(1).default(0.7),
    auto_approve_at: z.number().min(0).max(1).default(0.9),
    always_review_negative_margin: z.boolean().default(true),
    always_review_over_assigned_seats: z.boolean().default(true),
    /** Results that rest on client names matched automatically wait until the matches are confirmed. */
    always_review_unconfirmed_client_names: z.boolean().default(true),
    /** A reviewer may not approve or reject a result computed from data they imported, or from a run they started. */
    four_eyes: z.boolean().default(true),
  })
  .strict()
  .refine((p) => p.review_below <= p.auto_approve_at, { message: 'review_below must not exceed auto_approve_at', path: ['review_below'] });

export type ReviewPolicy = z.infer<typeof reviewPolicySchema>;
export { reviewStatusLabels, type ReviewStatus } from './review-status.js';

export interface ReviewSubject {
  confidence: number;
  grossMarginPct?: number | null;
  overAssignedSeats?: number;
  /** Client names the result's data was matched under automatically, not yet confirmed (ingest/client-index.ts). */
  unconfirmedClientNames?: readonly string[];
}

export interface ReviewDecision {
  status: ReviewStatus;
  reasons: string[];
}

export function decideReview(subject: ReviewSubject, policy: ReviewPolicy): ReviewDecision {
  const reasons: string[] = [];
  if (policy.always_review_negative_margin && subject.grossMarginPct !== undefined && subject.grossMarginPct !== null && subject.grossMarginPct < 0) {
    reasons.push(`negative margin (${subject.grossMarginPct.toFixed(2)} %)`);
  }
  if (policy.always_review_over_assigned_seats && (subject.overAssignedSeats ?? 0) > 0) {
    reasons.push(`${subject.overAssignedSeats} over-assigned seat${subject.overAssignedSeats === 1 ? '' : 's'}`);
  }
  const unconfirmed = subject.unconfirmedClientNames ?? [];
  if (policy.always_review_unconfirmed_client_names && unconfirmed.length > 0) {
    const names = unconfirmed.length <= 3 ? ` (${unconfirmed.map((name) => `'${name}'`).join(', ')})` : '';
    reasons.push(
      `${unconfirmed.length} client name${unconfirmed.length === 1 ? '' : 's'} matched automatically, not yet confirmed${names}: confirm with \`moatmetrics clients confirm\``,
    );
  }
  if (subject.confidence < policy.review_below) reasons.push(`confidence ${subject.confidence.toFixed(2)} below ${policy.review_below}`);
  if (reasons.length > 0) return { status: 'pending_review', reasons };
  if (subject.confidence >= policy.auto_approve_at) return { status: 'auto_approved', reasons: [] };
  return { status: 'approved_with_note', reasons: [`confidence ${subject.confidence.toFixed(2)} below auto-approval at ${policy.auto_approve_at}`] };
}
