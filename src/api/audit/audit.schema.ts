import { z } from 'zod';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/, 'must be a date YYYY-MM-DD or an ISO timestamp');

export const auditFilterQuerySchema = z
  .object({
    actor: z.string().min(1).max(200).optional(),
    /** Exact action (`auth.login`) or a prefix ending in a dot (`auth.`). */
    action: z.string().min(1).max(100).optional(),
    outcome: z.enum(['success', 'failure', 'denied']).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .strict();

export const auditListQuerySchema = auditFilterQuerySchema.extend({
  afterSeq: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const auditExportQuerySchema = auditFilterQuerySchema.extend({ format: z.enum(['csv', 'json']).default('csv') });

export const auditEventSchema = z.object({
  seq: z.number().int(),
  occurredAt: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  outcome: z.enum(['success', 'failure', 'denied']),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});

export const auditListResponseSchema = z.object({
  events: z.array(auditEventSchema),
  /** Pass as afterSeq for the next page; null when this was the last. */
  nextAfterSeq: z.number().int().nullable(),
});

export const auditVerifyResponseSchema = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  firstBadSeq: z.number().int().nullable(),
  problem: z.string().nullable(),
  head: z.object({ seq: z.number().int(), hash: z.string() }).nullable(),
  chainOk: z.boolean().describe('the hash chain holds (no event edited, deleted, reordered or cut off)'),
  gaps: z
    .array(z.object({ kind: z.enum(['dataset_version', 'review_decision', 'user', 'password_change']), subject: z.string(), problem: z.string() }))
    .describe('changes without their audit event; `ok` is false when there is any'),
});
