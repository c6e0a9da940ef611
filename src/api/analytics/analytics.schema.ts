import { z } from 'zod';
import { analysisFiltersSchema } from '../../analytics/analysis-filters.js';
import type { LicenseEfficiencyAnalysis } from '../../analytics/license-efficiency.js';
import type { TrendsAnalysis } from '../../analytics/monthly-trends.js';
import type { PortfolioOverview } from '../../analytics/portfolio-overview.js';
import type { ProfitabilityRow } from '../../analytics/profitability.js';
import type { AnalysisDocument, ReviewState } from '../../analytics/run-analysis.js';
import type { StaffUtilizationAnalysis } from '../../analytics/staff-utilization.js';
import { DEFAULT_CONFIDENCE_WEIGHTS, type ConfidenceFactorName } from '../../explain/confidence.js';
import { reviewStatusLabels, type ReviewStatus } from '../../governance/review-policy.js';

// ---------------------------------------------------------------------------------------
// Requests

/** A real calendar day: the regex alone would let 2025-02-30 through to the date arithmetic. */
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(isCalendarDate, 'is not a calendar date');

function isCalendarDate(value: string): boolean {
  const time = Date.parse(`${value}T00:00:00Z`);
  // Invalid months are NaN; day overflow (02-30) rolls into the next month, hence the round trip.
  return Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === value;
}

const fromNotAfterTo = (filters: { from?: string | undefined; to?: string | undefined }): boolean => !filters.from || !filters.to || filters.from <= filters.to;
const fromAfterTo = { message: 'must not be after to', path: ['from'] };

/** `?client=a&client=b` and `?client=a,b` alike. */
const listParameter = z.union([z.string().max(2000), z.array(z.string().max(2000)).max(500)]).transform((value) =>
  [value]
    .flat()
    .flatMap((part) => part.split(','))
    .map((part) => part.trim())
    .filter(Boolean),
);

export const analysisQuerySchema = z
  .object({
    from: isoDate.optional().describe('Start of the period (default: earliest invoice or time log)'),
    to: isoDate.optional().describe('End of the period, inclusive (default: latest invoice or time log)'),
    client: listParameter.optional().describe('Only these clients, by id or name (case-insensitive); repeat or comma-separate'),
    industry: listParameter.optional().describe('Only clients in these industries (case-insensitive); repeat or comma-separate'),
  })
  .refine(fromNotAfterTo, fromAfterTo);

export type AnalysisQuery = z.infer<typeof analysisQuerySchema>;

export const analysisRunBodySchema = z
  .object({
    from: isoDate.optional(),
    to: isoDate.optional(),
    clients: z.array(z.string().trim().min(1).max(200)).max(500).optional().describe('Client ids or names (case-insensitive)'),
    industries: z.array(z.string().trim().min(1).max(200)).max(500).optional().describe('Industries (case-insensitive)'),
  })
  .strict()
  .refine(fromNotAfterTo, fromAfterTo)
  // No body at all means no filters: Fastify hands the validator null for an empty POST.
  .nullish();

// ---------------------------------------------------------------------------------------
// Building blocks

const periodSchema = z.object({ from: z.string(), to: z.string() });

/** Top level of every analytics and results response: the numbers carry no currency of their own. */
export const currencySchema = z
  .string()
  .describe(
    'ISO 4217 code of every amount in this response (config display.currency). Amounts are rounded to the cent, percentages and hours to two decimals.',
  );

/** Top level of every analytics and results response (issue 9): whether the bundled demo data is loaded. */
export const demoSchema = z
  .boolean()
  .describe('true while the database holds the bundled demo data (`moatmetrics demo`, `serve --demo-if-empty`): these numbers are made up, not yours');

/** A response schema with the `demo` flag beside its currency. */
export function withDemoFlag<T extends z.ZodRawShape>(schema: z.ZodObject<T>) {
  return schema.extend({ demo: demoSchema });
}

const marginBandSchema = z.enum(['healthy', 'watch', 'at_risk', 'losing_money']);
const licenseBandSchema = z.enum(['under_used', 'moderate', 'good', 'over_assigned']);
const utilizationBandSchema = z.enum(['under_used', 'on_target', 'burnout_risk']);

export const reviewStatusSchema = z.enum(Object.keys(reviewStatusLabels) as [ReviewStatus, ...ReviewStatus[]]);

export const reviewStateSchema = z.object({
  status: reviewStatusSchema,
  reasons: z.array(z.string()),
  /** The stored result (GET /api/v1/results/{id}). */
  resultId: z.string(),
});

const confidenceSchema = z.object({
  value: z.number(),
  factors: z.array(
    z.object({
      name: z.enum(Object.keys(DEFAULT_CONFIDENCE_WEIGHTS) as [ConfidenceFactorName, ...ConfidenceFactorName[]]),
      label: z.string(),
      score: z.number(),
      weight: z.number(),
      contribution: z.number(),
      detail: z.string(),
      improve: z.string().nullable(),
    }),
  ),
});

const intervalSchema = z.object({
  low: z.number(),
  high: z.number(),
  level: z.number(),
  method: z.literal('bootstrap-percentile'),
  resamples: z.number().int(),
});

const attributedMetricSchema = z.enum(['gross_margin_pct', 'gross_profit', 'effective_hourly_rate']);
const costDriversSchema = z.object({ revenue: z.number(), labor_cost: z.number(), license_cost: z.number() });

const attributionSchema = z.union([
  z.object({ metric: attributedMetricSchema, baselineValue: z.number(), value: z.number(), contributions: costDriversSchema, reason: z.null() }),
  z.object({ metric: attributedMetricSchema, baselineValue: z.number().nullable(), value: z.number().nullable(), contributions: z.null(), reason: z.string() }),
]);

// ---------------------------------------------------------------------------------------
// Responses: one per analysis, each checked against its TypeScript type below.

export const portfolioOverviewSchema = z.object({
  period: periodSchema,
  version: z.number().int(),
  totals: z.object({
    revenue: z.number(),
    collectedRevenue: z.number(),
    outstanding: z.number(),
    laborCost: z.number(),
    licenseCost: z.number(),
    grossProfit: z.number(),
    grossMarginPct: z.number().nullable(),
    effectiveHourlyRate: z.number().nullable(),
    hours: z.number(),
    billableRatioPct: z.number().nullable(),
    staffUtilizationPct: z.number().nullable(),
    licenseUtilizationPct: z.number().nullable(),
    monthlyLicenseWaste: z.number(),
    overAssignedSeats: z.number(),
    clientCount: z.number().int(),
  }),
  band: marginBandSchema.nullable(),
  clientsByBand: z.object({
    healthy: z.number().int(),
    watch: z.number().int(),
    at_risk: z.number().int(),
    losing_money: z.number().int(),
    no_revenue: z.number().int(),
  }),
  losingClients: z.array(z.object({ clientId: z.string(), clientName: z.string(), grossProfit: z.number(), grossMarginPct: z.number().nullable() })),
  assumptions: z.array(z.string()),
});

const profitabilityFields = {
  clientId: z.string(),
  clientName: z.string(),
  revenue: z.number(),
  laborCost: z.number(),
  licenseCost: z.number(),
  totalCost: z.number(),
  grossProfit: z.number(),
  grossMarginPct: z.number().nullable(),
  effectiveHourlyRate: z.number().nullable(),
  hours: z.number(),
  invoiceCount: z.number().int(),
  band: marginBandSchema.nullable(),
};

export const profitabilityRowSchema = z.object({
  ...profitabilityFields,
  /** The client's current review for this period and dataset version; null until an analysis run stored one. */
  review: reviewStateSchema.nullable(),
});

export type PresentedProfitabilityRow = z.infer<typeof profitabilityRowSchema>;

export const profitabilityResponseSchema = z.object({
  currency: currencySchema,
  period: periodSchema,
  version: z.number().int(),
  rows: z.array(profitabilityRowSchema),
  assumptions: z.array(z.string()),
});

export type PresentedProfitability = z.infer<typeof profitabilityResponseSchema>;

const licensePositionFields = {
  clientId: z.string(),
  clientName: z.string(),
  product: z.string(),
  vendor: z.string().nullable(),
  seatsPurchased: z.number(),
  seatsUsed: z.number(),
  utilizationPct: z.number().nullable(),
  unusedSeats: z.number(),
  overAssignedSeats: z.number(),
  monthlyWaste: z.number(),
  band: licenseBandSchema.nullable(),
  recommendation: z.object({
    action: z.enum(['reduce', 'true_up', 'none']),
    recommendedSeats: z.number(),
    monthlySavings: z.number(),
    text: z.string(),
  }),
};

const licenseSummaryRowSchema = z.object({
  key: z.string(),
  seatsPurchased: z.number(),
  seatsUsed: z.number(),
  utilizationPct: z.number().nullable(),
  unusedSeats: z.number(),
  overAssignedSeats: z.number(),
  monthlyWaste: z.number(),
  band: licenseBandSchema.nullable(),
});

const licenseSummaryFields = {
  period: periodSchema,
  version: z.number().int(),
  byClient: z.array(licenseSummaryRowSchema),
  byProduct: z.array(licenseSummaryRowSchema),
  byVendor: z.array(licenseSummaryRowSchema),
  totalMonthlyWaste: z.number(),
  totalMonthlySavings: z.number(),
};

export const licenseEfficiencySchema = z.object({ ...licenseSummaryFields, positions: z.array(z.object(licensePositionFields)) });
/** As served by GET /analytics/overview: with the portfolio result's current review (null until a run stored one). */
export const presentedOverviewSchema = portfolioOverviewSchema.extend({ currency: currencySchema, review: reviewStateSchema.nullable() });
export type PresentedOverview = z.output<typeof presentedOverviewSchema>;
/** As served by GET /analytics/licenses: each position with its current review (null until a run stored one). */
export const presentedLicenseEfficiencySchema = z.object({
  currency: currencySchema,
  ...licenseSummaryFields,
  positions: z.array(z.object({ ...licensePositionFields, review: reviewStateSchema.nullable() })),
});
export type PresentedLicenseEfficiency = z.output<typeof presentedLicenseEfficiencySchema>;

export const staffUtilizationSchema = z.object({
  period: periodSchema,
  version: z.number().int(),
  rows: z.array(
    z.object({
      staffKey: z.string(),
      staffName: z.string(),
      hours: z.number(),
      billableHours: z.number(),
      billableRatioPct: z.number().nullable(),
      utilizationPct: z.number().nullable(),
      laborCost: z.number(),
      band: utilizationBandSchema.nullable(),
    }),
  ),
  overall: z.object({ utilizationPct: z.number().nullable(), billableRatioPct: z.number().nullable(), band: utilizationBandSchema.nullable() }),
  assumptions: z.array(z.string()),
});

export const presentedStaffUtilizationSchema = staffUtilizationSchema.extend({ currency: currencySchema });
export type PresentedStaffUtilization = z.output<typeof presentedStaffUtilizationSchema>;

export const monthlyTrendsSchema = z.object({
  period: periodSchema,
  version: z.number().int(),
  rows: z.array(
    z.object({
      month: z.string(),
      revenue: z.number(),
      laborCost: z.number(),
      licenseCost: z.number(),
      grossProfit: z.number(),
      grossMarginPct: z.number().nullable(),
      hours: z.number(),
      billableRatioPct: z.number().nullable(),
    }),
  ),
});

export const presentedTrendsSchema = monthlyTrendsSchema.extend({ currency: currencySchema });
export type PresentedTrends = z.output<typeof presentedTrendsSchema>;

export const analysisDocumentSchema = z.object({
  runId: z.string(),
  cached: z.boolean().describe('true: the stored run for the same plan and dataset version'),
  version: z.number().int(),
  period: periodSchema,
  filters: analysisFiltersSchema,
  generatedAt: z.string(),
  overview: portfolioOverviewSchema.extend({ confidence: confidenceSchema, marginInterval: intervalSchema.nullable(), review: reviewStateSchema }),
  clients: z.array(
    z.object({
      ...profitabilityFields,
      confidence: confidenceSchema,
      marginInterval: intervalSchema.nullable(),
      explanation: z.array(z.string()),
      attribution: attributionSchema,
      baseline: z.object({ label: z.string(), ...costDriversSchema.shape }),
      review: reviewStateSchema,
    }),
  ),
  licenses: z.object({ ...licenseSummaryFields, positions: z.array(z.object({ ...licensePositionFields, review: reviewStateSchema })) }),
  staff: staffUtilizationSchema,
  trends: monthlyTrendsSchema,
  pendingReviews: z.number().int(),
});

export const presentedAnalysisDocumentSchema = analysisDocumentSchema.extend({ currency: currencySchema });
export type PresentedAnalysisDocument = z.output<typeof presentedAnalysisDocumentSchema>;

// ---------------------------------------------------------------------------------------
// Compile-time: a field added to an analysis (or to a schema) without the other fails `tsc`,
// so the documented response cannot drift from what the handler returns.

/** True when each type is assignable to the other: no required field missing on either side, at any depth. */
export type Equivalent<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type Assert<T extends true> = T;

export type ResponseSchemasMatchAnalyses = [
  Assert<Equivalent<z.output<typeof portfolioOverviewSchema>, PortfolioOverview>>,
  Assert<Equivalent<Omit<PresentedProfitabilityRow, 'review'>, Omit<ProfitabilityRow, 'sums'>>>,
  Assert<Equivalent<z.output<typeof reviewStateSchema>, ReviewState>>,
  Assert<Equivalent<z.output<typeof licenseEfficiencySchema>, LicenseEfficiencyAnalysis>>,
  Assert<Equivalent<z.output<typeof staffUtilizationSchema>, StaffUtilizationAnalysis>>,
  Assert<Equivalent<z.output<typeof monthlyTrendsSchema>, TrendsAnalysis>>,
  Assert<Equivalent<z.output<typeof analysisDocumentSchema>, AnalysisDocument>>,
];
