import type { LicenseEfficiencyAnalysis } from '../../analytics/license-efficiency.js';
import type { PortfolioOverview } from '../../analytics/portfolio-overview.js';
import type { ProfitabilityAnalysis } from '../../analytics/profitability.js';
import { reviewKey, type SubjectReview } from '../../analytics/results-repository.js';
import type { PresentedLicenseEfficiency, PresentedOverview, PresentedProfitability } from './analytics.schema.js';

/**
 * Profitability as the API shows it: without the integer `sums` behind each row (internal
 * inputs to confidence), and with each client's current review, so a margin waiting for a
 * reviewer is labelled as such. A stored review only labels the same number: if the value
 * differs (settings changed since the run), the row has no review rather than a stale one.
 */
export function presentProfitability(analysis: ProfitabilityAnalysis, reviews: ReadonlyMap<string, SubjectReview>): PresentedProfitability {
  return {
    period: { from: analysis.period.from, to: analysis.period.to },
    version: analysis.version,
    assumptions: [...analysis.assumptions],
    rows: analysis.rows.map((row) => {
      const review = reviews.get(reviewKey(row.clientId, row.clientId));
      return {
        clientId: row.clientId,
        clientName: row.clientName,
        revenue: row.revenue,
        laborCost: row.laborCost,
        licenseCost: row.licenseCost,
        totalCost: row.totalCost,
        grossProfit: row.grossProfit,
        grossMarginPct: row.grossMarginPct,
        effectiveHourlyRate: row.effectiveHourlyRate,
        hours: row.hours,
        invoiceCount: row.invoiceCount,
        band: row.band,
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
export function presentLicenses(analysis: LicenseEfficiencyAnalysis, reviews: ReadonlyMap<string, SubjectReview>): PresentedLicenseEfficiency {
  return {
    ...analysis,
    positions: analysis.positions.map((position) => {
      const review = reviews.get(reviewKey(position.clientId, `${position.clientId}:${position.vendor ?? ''}:${position.product}`));
      return {
        ...position,
        review: review && sameValue(review.value, position.utilizationPct) ? { status: review.status, reasons: review.reasons, resultId: review.resultId } : null,
      };
    }),
  };
}

/** The overview with the portfolio result's current review, when a run stored the same margin. */
export function presentOverview(analysis: PortfolioOverview, reviews: ReadonlyMap<string, SubjectReview>): PresentedOverview {
  const review = reviews.get(reviewKey(null, 'portfolio'));
  return {
    ...analysis,
    review: review && sameValue(review.value, analysis.totals.grossMarginPct) ? { status: review.status, reasons: review.reasons, resultId: review.resultId } : null,
  };
}
