import { z } from 'zod';

export const livenessResponseSchema = z.object({ status: z.literal('ok') });

export const readinessResponseSchema = z.object({
  status: z.literal('ready'),
  database: z.enum(['sqlite', 'postgres']),
  /** The dataset version the data is at (0: nothing imported yet). */
  version: z.number().int().min(0),
});

export type ReadinessResponse = z.infer<typeof readinessResponseSchema>;
