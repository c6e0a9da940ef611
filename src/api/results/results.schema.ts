import { z } from 'zod';
import type { StoredResult, StoredResultWithDetail } from '../../analytics/results-repository.js';
import { currencySchema, reviewStatusSchema, type Assert, type Equivalent } from '../analytics/analytics.schema.js';

export const listResultsQuerySchema = z.object({
  status: reviewStatusSchema.optional().describe('Only results with this review status, e.g. pending_review'),
  kind: z.string().min(1).max(64).optional().describe('profitability, license, overview or answer (a plain-English answer sent to review)'),
  subject: z.string().min(1).max(300).optional().describe('A client id, `clientId:product`, or `portfolio`'),
  version: z.coerce.number().int().min(0).optional().describe('Only results computed on this dataset version'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const resultIdParamsSchema = z.object({
  id: z.string().min(1).max(100),
});

export const presentedResultSchema = z.object({
  id: z.string(),
  runId: z.string(),
  kind: z.string(),
  subject: z.string(),
  clientId: z.string().nullable().describe('The client the result is about (null for portfolio results)'),
  subjectLabel: z.string(),
  metric: z.string(),
  value: z.number().nullable(),
  confidence: z.number(),
  reviewStatus: reviewStatusSchema,
  reasons: z.array(z.string()),
  datasetVersion: z.number().int(),
  period: z.object({ from: z.string(), to: z.string() }),
  createdAt: z.string(),
  /** Set once a reviewer approved or rejected the result. */
  reviewedBy: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  reviewComment: z.string().nullable(),
  answer: z
    .object({
      question: z.string(),
      plan: z.record(z.string(), z.unknown()).nullable().describe('The QueryPlan that ran (null for a "why")'),
      asOf: z.string(),
      columns: z.array(z.string()),
      rows: z.array(z.array(z.union([z.string(), z.number(), z.null()]))),
      explanation: z.string(),
    })
    .optional()
    .describe('Kind `answer` only: the plain-English question sent to review, the plan that ran and the table it answered'),
});

export const presentedResultWithDetailSchema = presentedResultSchema.extend({
  detail: z.unknown().describe('What the run kept beside the value: gross profit and revenue, a seat recommendation, or the portfolio totals'),
});

/** GET /results/{id} and a review decision: the result, and the currency its detail's amounts are in. */
export const resultResponseSchema = presentedResultWithDetailSchema.extend({ currency: currencySchema });

export const resultListResponseSchema = z.object({
  currency: currencySchema,
  /** Newest first. */
  results: z.array(presentedResultSchema),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

export type PresentedResult = z.infer<typeof presentedResultSchema>;
export type PresentedResultWithDetail = z.infer<typeof presentedResultWithDetailSchema>;

/** Compile-time: the documented result is exactly what the repository reads. */
export type ResultSchemasMatchRepository = [
  Assert<Equivalent<PresentedResult, StoredResult>>,
  Assert<Equivalent<PresentedResultWithDetail, StoredResultWithDetail>>,
];
