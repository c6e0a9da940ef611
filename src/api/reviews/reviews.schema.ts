import { z } from 'zod';
import { reviewStatusSchema } from '../analytics/analytics.schema.js';

export const reviewQueueQuerySchema = z.object({
  status: z
    .preprocess((value) => (value === 'pending' ? 'pending_review' : value), reviewStatusSchema)
    .default('pending_review')
    .describe('pending (= pending_review, the default), approved_with_note, approved, rejected or auto_approved'),
  kind: z.string().min(1).max(64).optional().describe('profitability, license, overview or answer (a plain-English answer sent to review)'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const reviewDecisionBodySchema = z
  .object({
    /** Why: required, kept with the decision and in the audit trail. */
    comment: z.string().max(2000),
  })
  .strict();
