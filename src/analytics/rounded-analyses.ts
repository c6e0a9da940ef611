import type { LicenseEfficiencyAnalysis, LicensePositionRow, LicenseSummaryRow } from './license-efficiency.js';
import type { TrendsAnalysis } from './monthly-trends.js';
import type { PortfolioOverview } from './portfolio-overview.js';
import type { ProfitabilityRow } from './profitability.js';
import type { AnalysisDocument, ClientResult, LicenseResult } from './run-analysis.js';
import type { StaffUtilizationAnalysis } from './staff-utilization.js';
import type { Interval } from '../explain/bootstrap.js';
import type { MetricAttribution } from '../explain/shapley.js';
import { PERCENT_DECIMALS, roundHours, roundMoney, roundPartsToTotal, roundPercent } from '../present/rounding.js';

/**
 * The analyses as they are shown: every amount to the cent, every percentage (and
 * percentage point) and every hour count to two decimals, by the one rule of rounding.ts.
 * Both the API presenters and the CLI show analyses through these, so the two never differ.
 * Each function lists the fields it returns, so a new field has to be placed here (tsc
 * refuses an object literal that misses one) rather than slipping out unrounded.
 *
 * Counts (seats, invoices, clients), confidence (already in hundredths, its factor
 * contributions apportioned to add up, see explain/confidence.ts) and texts pass unchanged.
 */

type ProfitabilityFields = Omit<ProfitabilityRow, 'sums'>;

/** A client's profitability numbers (the row without its internal integer sums). */
export function roundProfitabilityFields(row: ProfitabilityFields): ProfitabilityFields {
  return {
    clientId: row.clientId,
    clientName: row.clientName,
    revenue: roundMoney(row.revenue),
    laborCost: roundMoney(row.laborCost),
    licenseCost: roundMoney(row.licenseCost),
    totalCost: roundMoney(row.totalCost),
    grossProfit: roundMoney(row.grossProfit),
    grossMarginPct: roundPercent(row.grossMarginPct),
    effectiveHourlyRate: roundMoney(row.effectiveHourlyRate),
    hours: roundHours(row.hours),
    invoiceCount: row.invoiceCount,
    band: row.band,
  };
}

export function roundOverview(overview: PortfolioOverview): PortfolioOverview {
  const t = overview.totals;
  return {
    period: overview.period,
    version: overview.version,
    totals: {
      revenue: roundMoney(t.revenue),
      collectedRevenue: roundMoney(t.collectedRevenue),
      outstanding: roundMoney(t.outstanding),
      laborCost: roundMoney(t.laborCost),
      licenseCost: roundMoney(t.licenseCost),
      grossProfit: roundMoney(t.grossProfit),
      grossMarginPct: roundPercent(t.grossMarginPct),
      effectiveHourlyRate: roundMoney(t.effectiveHourlyRate),
      hours: roundHours(t.hours),
      billableRatioPct: roundPercent(t.billableRatioPct),
      staffUtilizationPct: roundPercent(t.staffUtilizationPct),
      licenseUtilizationPct: roundPercent(t.licenseUtilizationPct),
      monthlyLicenseWaste: roundMoney(t.monthlyLicenseWaste),
      overAssignedSeats: t.overAssignedSeats,
      clientCount: t.clientCount,
    },
    band: overview.band,
    clientsByBand: overview.clientsByBand,
    losingClients: overview.losingClients.map((c) => ({
      clientId: c.clientId,
      clientName: c.clientName,
      grossProfit: roundMoney(c.grossProfit),
      grossMarginPct: roundPercent(c.grossMarginPct),
    })),
    assumptions: overview.assumptions,
  };
}

export function roundLicensePosition(position: LicensePositionRow): LicensePositionRow {
  return {
    clientId: position.clientId,
    clientName: position.clientName,
    product: position.product,
    vendor: position.vendor,
    seatsPurchased: position.seatsPurchased,
    seatsUsed: position.seatsUsed,
    utilizationPct: roundPercent(position.utilizationPct),
    unusedSeats: position.unusedSeats,
    overAssignedSeats: position.overAssignedSeats,
    monthlyWaste: roundMoney(position.monthlyWaste),
    band: position.band,
    recommendation: {
      action: position.recommendation.action,
      recommendedSeats: position.recommendation.recommendedSeats,
      monthlySavings: roundMoney(position.recommendation.monthlySavings),
      text: position.recommendation.text,
    },
  };
}

function roundLicenseSummaryRow(row: LicenseSummaryRow): LicenseSummaryRow {
  return {
    key: row.key,
    seatsPurchased: row.seatsPurchased,
    seatsUsed: row.seatsUsed,
    utilizationPct: roundPercent(row.utilizationPct),
    unusedSeats: row.unusedSeats,
    overAssignedSeats: row.overAssignedSeats,
    monthlyWaste: roundMoney(row.monthlyWaste),
    band: row.band,
  };
}

/** The license analysis; `positions` are rounded by the caller's `position` (which may add a review). */
export function roundLicenseEfficiency<P>(
  analysis: Omit<LicenseEfficiencyAnalysis, 'positions'> & { positions: readonly P[] },
  position: (row: P) => P,
): Omit<LicenseEfficiencyAnalysis, 'positions'> & { positions: P[] } {
  return {
    period: analysis.period,
    version: analysis.version,
    positions: analysis.positions.map(position),
    byClient: analysis.byClient.map(roundLicenseSummaryRow),
    byProduct: analysis.byProduct.map(roundLicenseSummaryRow),
    byVendor: analysis.byVendor.map(roundLicenseSummaryRow),
    totalMonthlyWaste: roundMoney(analysis.totalMonthlyWaste),
    totalMonthlySavings: roundMoney(analysis.totalMonthlySavings),
  };
}

export function roundStaffUtilization(analysis: StaffUtilizationAnalysis): StaffUtilizationAnalysis {
  return {
    period: analysis.period,
    version: analysis.version,
    rows: analysis.rows.map((r) => ({
      staffKey: r.staffKey,
      staffName: r.staffName,
      hours: roundHours(r.hours),
      billableHours: roundHours(r.billableHours),
      billableRatioPct: roundPercent(r.billableRatioPct),
      utilizationPct: roundPercent(r.utilizationPct),
      laborCost: roundMoney(r.laborCost),
      band: r.band,
    })),
    overall: {
      utilizationPct: roundPercent(analysis.overall.utilizationPct),
      billableRatioPct: roundPercent(analysis.overall.billableRatioPct),
      band: analysis.overall.band,
    },
    assumptions: analysis.assumptions,
  };
}

export function roundTrends(analysis: TrendsAnalysis): TrendsAnalysis {
  return {
    period: analysis.period,
    version: analysis.version,
    rows: analysis.rows.map((r) => ({
      month: r.month,
      revenue: roundMoney(r.revenue),
      laborCost: roundMoney(r.laborCost),
      licenseCost: roundMoney(r.licenseCost),
      grossProfit: roundMoney(r.grossProfit),
      grossMarginPct: roundPercent(r.grossMarginPct),
      hours: roundHours(r.hours),
      billableRatioPct: roundPercent(r.billableRatioPct),
    })),
  };
}

/** A bootstrap interval of a margin (percent); level and resample count unchanged. */
export function roundPercentInterval(interval: Interval | null): Interval | null {
  if (!interval) return null;
  return { low: roundPercent(interval.low), high: roundPercent(interval.high), level: interval.level, method: interval.method, resamples: interval.resamples };
}

/**
 * Value, baseline and contributions of an attribution, to two decimals (percentage points
 * for margin, money for profit and rate). The contributions are apportioned so that the
 * rounded ones add up to exactly (rounded value − rounded baseline), as the exact ones add
 * up to (value − baseline): a reader adding them up finds the difference shown.
 */
export function roundAttribution<Driver extends string>(attribution: MetricAttribution<Driver>): MetricAttribution<Driver> {
  const { metric } = attribution;
  // Profit and rate attributions are money: the same two decimals as percentage points.
  if (attribution.reason !== null) {
    return {
      metric,
      baselineValue: roundPercent(attribution.baselineValue),
      value: roundPercent(attribution.value),
      contributions: null,
      reason: attribution.reason,
    };
  }
  const { contributions: exact } = attribution as Extract<MetricAttribution<Driver>, { reason: null }>;
  const value = roundPercent(attribution.value as number);
  const baselineValue = roundPercent(attribution.baselineValue as number);
  const drivers = Object.keys(exact) as Driver[];
  const rounded = roundPartsToTotal(
    drivers.map((driver) => exact[driver]),
    value - baselineValue,
    PERCENT_DECIMALS,
  );
  const contributions = Object.fromEntries(drivers.map((driver, i) => [driver, rounded[i]!])) as Record<Driver, number>;
  return { metric, baselineValue, value, contributions, reason: null };
}

function roundClientResult(client: ClientResult): ClientResult {
  return {
    ...roundProfitabilityFields(client),
    confidence: client.confidence,
    marginInterval: roundPercentInterval(client.marginInterval),
    explanation: client.explanation,
    attribution: roundAttribution(client.attribution),
    baseline: {
      label: client.baseline.label,
      revenue: roundMoney(client.baseline.revenue),
      labor_cost: roundMoney(client.baseline.labor_cost),
      license_cost: roundMoney(client.baseline.license_cost),
    },
    review: client.review,
  };
}

function roundLicenseResult(position: LicenseResult): LicenseResult {
  return { ...roundLicensePosition(position), review: position.review };
}

/** The full analysis (`moatmetrics analyze --json`, POST /api/v1/analytics/runs) as shown. */
export function roundAnalysisDocument(document: AnalysisDocument): AnalysisDocument {
  return {
    runId: document.runId,
    cached: document.cached,
    version: document.version,
    period: document.period,
    filters: document.filters,
    generatedAt: document.generatedAt,
    overview: {
      ...roundOverview(document.overview),
      confidence: document.overview.confidence,
      marginInterval: roundPercentInterval(document.overview.marginInterval),
      review: document.overview.review,
    },
    clients: document.clients.map(roundClientResult),
    licenses: roundLicenseEfficiency(document.licenses, roundLicenseResult),
    staff: roundStaffUtilization(document.staff),
    trends: roundTrends(document.trends),
    pendingReviews: document.pendingReviews,
  };
}
