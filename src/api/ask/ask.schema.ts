import { z } from 'zod';
import { isoDate } from '../../metrics/query-plan.js';
import { conversationIdPattern } from '../../nl/conversations.js';

/** At most this many questions in one batch call. */
export const MAX_BATCH_QUESTIONS = 50;

/**
 * Longer than any question (nl/safety.ts refuses over 500 characters, and records it), so that
 * an absurdly long question is refused and recorded as a security event rather than being
 * a mere validation error; the body limit bounds the rest.
 */
const questionText = z.string().max(20_000).describe('The question in plain English, e.g. "top 5 clients by margin last quarter"');
const asOf = isoDate.optional().describe('Anchor for "last quarter", "YTD"… (YYYY-MM-DD); default analytics.as_of, else the latest data date');

export const askBodySchema = z
  .object({
    question: questionText,
    asOf,
    conversationId: z
      .string()
      .regex(conversationIdPattern, 'must be the conversationId of an earlier answer')
      .optional()
      .describe('Follow up the last answered question of this conversation ("and last year?", "only healthcare", "top 10 instead", "why?")'),
  })
  .strict();

export const askBatchBodySchema = z
  .object({
    questions: z.array(questionText).min(1).max(MAX_BATCH_QUESTIONS).describe(`1 to ${MAX_BATCH_QUESTIONS} questions, answered in order`),
    asOf,
  })
  .strict();

export type AskBody = z.infer<typeof askBodySchema>;

const cell = z.union([z.string(), z.number(), z.null()]);

export const answerSchema = z.object({
  status: z.enum(['answered', 'clarify', 'refused']),
  question: z.string(),
  plan: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe('The validated QueryPlan that was run (canonical: period resolved, sets sorted); null for clarify, refused and "why"'),
  columns: z.array(z.string()),
  rows: z.array(z.array(cell)).describe('Names as in the data, months YYYY-MM, money to the cent, percentages 0–100'),
  confidence: z.number().nullable().describe('Understanding × data confidence, 0–1'),
  explanation: z.string(),
  cached: z.boolean().describe('Answered from the semantic cache (same canonical plan, dataset version, as-of date and client scope)'),
  suggestions: z.array(z.string()),
  chart: z.record(z.string(), z.unknown()).nullable().describe('A Vega-Lite spec, or null for a single number'),
  review: z
    .object({
      status: z.enum(['auto_approved', 'approved_with_note', 'pending_review', 'approved', 'rejected']),
      reasons: z.array(z.string()),
      resultId: z.string().optional().describe('The result in the review queue (GET /api/v1/reviews) when the answer was sent to review'),
      reviewedBy: z.string().nullable().optional().describe('Who approved or rejected it, once someone did'),
    })
    .nullable()
    .describe(
      'How the review policy treats the answer: below review_below it is stored in the review queue (pending_review until a reviewer decides); null when nothing was answered',
    ),
});

export const askResponseSchema = answerSchema.extend({
  conversationId: z.string().nullable().describe('Send it back as conversationId to follow this question up; null when nothing has been answered yet'),
});

export const askBatchResponseSchema = z.object({
  answers: z.array(answerSchema),
  evaluation: z
    .object({
      questions: z.number().int(),
      plans: z.number().int().describe('Distinct canonical plans among the answered questions'),
      computed: z.number().int().describe('Plans computed by the metric layer in this call'),
      sourcePasses: z
        .number()
        .int()
        .describe('Passes over the fact sources for them: plans that need the same sums (same sources, grouping, filters and period) share one'),
      fromCache: z.number().int().describe('Answers served from the semantic cache, including repeats within the batch'),
    })
    .describe('How the batch was evaluated: identical plans are computed once, plans with the same sources, grouping, filters and period share one pass'),
});
