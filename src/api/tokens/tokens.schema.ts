import { z } from 'zod';

export const apiTokenSchema = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});

export const createTokenBodySchema = z
  .object({
    name: z.string().min(1).max(100),
    /** Lifetime in days; default and maximum come from the policy (tokens.default_days, tokens.max_days). */
    days: z.number().int().min(1).optional(),
  })
  .strict();

export const createdTokenResponseSchema = z.object({
  /** The secret: shown this once, stored only as a hash. Send it as `Authorization: Bearer <token>`. */
  token: z.string(),
  details: apiTokenSchema,
});

export const tokenListResponseSchema = z.object({ tokens: z.array(apiTokenSchema) });

export const tokenIdParamsSchema = z.object({ id: z.string().min(1).max(64) });
