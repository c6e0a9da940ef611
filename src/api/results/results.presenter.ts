import type { StoredAnswer, StoredResult, StoredResultWithDetail } from '../../analytics/results-repository.js';
import { roundHours, roundMoney, roundPercent } from '../../present/rounding.js';
import type { PresentedResult, PresentedResultWithDetail } from './results.schema.js';

/**
 * A stored result as the API shows it; fields listed one by one. Its value is a percentage
 * (gross margin, license utilization), rounded like every number shown (src/present/rounding.ts).
 */
export function presentResult(result: StoredResult): PresentedResult {
  return {
    id: result.id,
    runId: result.runId,
    kind: result.kind,
    subject: result.subject,
    clientId: result.clientId,
    subjectLabel: result.subjectLabel,
    metric: result.metric,
    value: roundPercent(result.value),
    confidence: result.confidence,
    reviewStatus: result.reviewStatus,
    reasons: [...result.reasons],
    datasetVersion: result.datasetVersion,
    period: { from: result.period.from, to: result.period.to },
    createdAt: result.createdAt,
    reviewedBy: result.reviewedBy,
    reviewedAt: result.reviewedAt,
    reviewComment: result.reviewComment,
    ...(result.answer ? { answer: presentStoredAnswer(result.answer) } : {}),
  };
}

export function presentResultWithDetail(result: StoredResultWithDetail): PresentedResultWithDetail {
  return { ...presentResult(result), detail: presentDetail(result.kind, result.detail) };
}

/** Per kind, the fields of the detail runAnalysis stores that are amounts or percentages. */
const detailNumbers: Record<string, { money: readonly string[]; percent: readonly string[]; hours: readonly string[] }> = {
  profitability: { money: ['grossProfit', 'revenue'], percent: [], hours: [] },
  license: { money: ['monthlySavings'], percent: [], hours: [] },
  overview: {
    money: ['revenue', 'collectedRevenue', 'outstanding', 'laborCost', 'licenseCost', 'grossProfit', 'effectiveHourlyRate', 'monthlyLicenseWaste'],
    percent: ['grossMarginPct', 'billableRatioPct', 'staffUtilizationPct', 'licenseUtilizationPct'],
    hours: ['hours'],
  },
};

/** The stored detail with its amounts, percentages and hours rounded; other fields as stored. */
function presentDetail(kind: string, detail: unknown): unknown {
  const numbers = detailNumbers[kind];
  if (!numbers || detail === null || typeof detail !== 'object' || Array.isArray(detail)) return detail;
  const shown: Record<string, unknown> = { ...(detail as Record<string, unknown>) };
  for (const [key, value] of Object.entries(shown)) {
    if (typeof value !== 'number') continue;
    if (numbers.money.includes(key)) shown[key] = roundMoney(value);
    else if (numbers.percent.includes(key)) shown[key] = roundPercent(value);
    else if (numbers.hours.includes(key)) shown[key] = roundHours(value);
  }
  return shown;
}

/** A stored answer's fields, listed: its numbers were rounded for display when it was answered. */
function presentStoredAnswer(answer: StoredAnswer): StoredAnswer {
  const { question, plan, asOf, columns, rows, explanation } = answer;
  return { question, plan, asOf, columns, rows, explanation };
}
