import { z } from 'zod';

export const livenessResponseSchema = z.object({ status: z.literal('ok') });

export const readinessResponseSchema = z.object({
  status: z.literal('ready'),
  /** For a logged-in caller only (session or API token), like `version`. */
  database: z.enum(['sqlite', 'postgres']).optional(),
  /** The dataset version the data is at (0: nothing imported yet). */
  version: z.number().int().min(0).optional(),
});

export type ReadinessResponse = z.infer<typeof readinessResponseSchema>;
