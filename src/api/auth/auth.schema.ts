import { z } from 'zod';
import { permissions } from '../../governance/policy.js';

export const userViewSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: z.string(),
  disabled: z.boolean(),
  mustChangePassword: z.boolean(),
  lockedUntil: z.string().nullable(),
  clientScope: z.array(z.string()).nullable(),
  createdAt: z.string(),
  createdBy: z.string(),
  lastLoginAt: z.string().nullable(),
});

export const loginBodySchema = z.object({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(1024),
});

export const identityResponseSchema = z.object({
  user: userViewSchema,
  /** What the user's role may do under the current policy. */
  permissions: z.array(z.enum(permissions)),
  authenticatedBy: z.enum(['session', 'token']),
  /** When the session ends at the latest (login only). */
  sessionExpiresAt: z.string().optional(),
});

export const passwordChangeBodySchema = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(1).max(1024),
});
