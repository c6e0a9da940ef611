import type { StoredResult, StoredResultWithDetail } from '../../analytics/results-repository.js';
import type { PresentedResult, PresentedResultWithDetail } from './results.schema.js';

/** A stored result as the API shows it; fields listed one by one. */
export function presentResult(result: StoredResult): PresentedResult {
  return {
    id: result.id,
    runId: result.runId,
    kind: result.kind,
    subject: result.subject,
    clientId: result.clientId,
    subjectLabel: result.subjectLabel,
    metric: result.metric,
    value: result.value,
    confidence: result.confidence,
    reviewStatus: result.reviewStatus,
    reasons: [...result.reasons],
    datasetVersion: result.datasetVersion,
    period: { from: result.period.from, to: result.period.to },
    createdAt: result.createdAt,
    reviewedBy: result.reviewedBy,
    reviewedAt: result.reviewedAt,
    reviewComment: result.reviewComment,
  };
}

export function presentResultWithDetail(result: StoredResultWithDetail): PresentedResultWithDetail {
  return { ...presentResult(result), detail: result.detail };
}
