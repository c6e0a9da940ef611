// A result's review status and how the CLI and reports name it; apart from the review
// policy's schema so that modules the CLI loads for `--help` need no zod.
export type ReviewStatus = 'auto_approved' | 'approved_with_note' | 'pending_review' | 'approved' | 'rejected';

export const reviewStatusLabels: Record<ReviewStatus, string> = {
  auto_approved: 'approved (auto)',
  approved_with_note: 'approved with note',
  pending_review: 'PENDING REVIEW',
  approved: 'approved',
  rejected: 'rejected',
};
