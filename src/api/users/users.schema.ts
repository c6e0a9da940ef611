import { z } from 'zod';
import { roles } from '../../governance/policy.js';
import { userViewSchema } from '../auth/auth.schema.js';

export const usernameParamsSchema = z.object({ username: z.string().min(1).max(100) });

export const createUserBodySchema = z
  .object({
    username: z.string().min(1).max(100),
    role: z.enum(roles),
    /** Omit to have a one-time password generated (returned once; it must be changed at first login). */
    password: z.string().min(1).max(1024).optional(),
    /** Client ids this user may see; omitted or null: every client. */
    clientScope: z.array(z.string().min(1)).min(1).max(10_000).nullable().optional(),
  })
  .strict();

export const updateUserBodySchema = z
  .object({
    role: z.enum(roles).optional(),
    disabled: z.boolean().optional(),
    /** Client ids this user may see from now on; null: every client. */
    clientScope: z.array(z.string().min(1)).min(1).max(10_000).nullable().optional(),
  })
  .strict();

export const createdUserResponseSchema = z.object({
  user: userViewSchema,
  /** Shown this once; null when a password was given. */
  oneTimePassword: z.string().nullable(),
});

export const passwordResetResponseSchema = z.object({
  user: userViewSchema,
  /** Shown this once; the user must change it at next login. */
  oneTimePassword: z.string(),
});

export const userListResponseSchema = z.object({ users: z.array(userViewSchema) });
