import type { LicenseEfficiencyAnalysis } from '../../analytics/license-efficiency.js';
import type { TrendsAnalysis } from '../../analytics/monthly-trends.js';
import type { PortfolioOverview } from '../../analytics/portfolio-overview.js';
import type { ProfitabilityAnalysis } from '../../analytics/profitability.js';
import { reviewKey, type SubjectReview } from '../../analytics/results-repository.js';
import type { AnalysisDocument } from '../../analytics/run-analysis.js';
import type { StaffUtilizationAnalysis } from '../../analytics/staff-utilization.js';
import {
  roundAnalysisDocument,
  roundLicenseEfficiency,
  roundLicensePosition,
  roundOverview,
  roundProfitabilityFields,
  roundStaffUtilization,
  roundTrends,
} from '../../analytics/rounded-analyses.js';
import type {
  PresentedAnalysisDocument,
  PresentedLicenseEfficiency,
  PresentedOverview,
  PresentedProfitability,
  PresentedStaffUtilization,
  PresentedTrends,
} from './analytics.schema.js';

// Every analytics response is rounded for display (src/present/rounded-analyses.ts) and names
// the currency its amounts are in (config display.currency), since the numbers carry none.

/**
 * Profitability as the API shows it: without the integer `sums` behind each row (internal
 * inputs to confidence), and with each client's current review, so a margin waiting for a
 * reviewer is labelled as such. A stored review only labels the same number: if the value
 * differs (settings changed since the run), the row has no review rather than a stale one.
 */
export function presentProfitability(analysis: ProfitabilityAnalysis, reviews: ReadonlyMap<string, SubjectReview>, currency: string): PresentedProfitability {
  return {
    currency,
    period: { from: analysis.period.from, to: analysis.period.to },
    version: analysis.version,
    assumptions: [...analysis.assumptions],
    rows: analysis.rows.map((row) => {
      const review = reviews.get(reviewKey(row.clientId, row.clientId));
      return {
        ...roundProfitabilityFields(row),
        review: review && sameValue(review.value, row.grossMarginPct) ? { status: review.status, reasons: review.reasons, resultId: review.resultId } : null,
      };
    }),
  };
}

function sameValue(stored: number | null, shown: number | null): boolean {
  if (stored === null || shown === null) return stored === shown;
  return Math.abs(stored - shown) < 1e-9;
}

/** License positions with their current review, so over-assigned seats waiting for a reviewer are labelled. */
export function presentLicenses(
  analysis: LicenseEfficiencyAnalysis,
  reviews: ReadonlyMap<string, SubjectReview>,
  currency: string,
): PresentedLicenseEfficiency {
  const withReviews = {
    ...analysis,
    positions: analysis.positions.map((position) => {
      const review = reviews.get(reviewKey(position.clientId, `${position.clientId}:${position.vendor ?? ''}:${position.product}`));
      return {
        ...position,
        review:
          review && sameValue(review.value, position.utilizationPct) ? { status: review.status, reasons: review.reasons, resultId: review.resultId } : null,
      };
    }),
  };
  return { currency, ...roundLicenseEfficiency(withReviews, (position) => ({ ...roundLicensePosition(position), review: position.review })) };
}

/** The overview with the portfolio result's current review, when a run stored the same margin. */
export function presentOverview(analysis: PortfolioOverview, reviews: ReadonlyMap<string, SubjectReview>, currency: string): PresentedOverview {
  const review = reviews.get(reviewKey(null, 'portfolio'));
  return {
    currency,
    ...roundOverview(analysis),
    review:
      review && sameValue(review.value, analysis.totals.grossMarginPct) ? { status: review.status, reasons: review.reasons, resultId: review.resultId } : null,
  };
}

export function presentStaffUtilization(analysis: StaffUtilizationAnalysis, currency: string): PresentedStaffUtilization {
  return { currency, ...roundStaffUtilization(analysis) };
}

export function presentTrends(analysis: TrendsAnalysis, currency: string): PresentedTrends {
  return { currency, ...roundTrends(analysis) };
}

export function presentAnalysisDocument(document: AnalysisDocument, currency: string): PresentedAnalysisDocument {
  return { currency, ...roundAnalysisDocument(document) };
}
