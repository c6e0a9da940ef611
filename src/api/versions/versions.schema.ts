import { z } from 'zod';

export const versionNumberParamsSchema = z.object({
  /** 0 stands for "before the first import" (rollback only). */
  number: z.coerce.number().int().min(0),
});

export const datasetVersionSchema = z.object({
  number: z.number().int(),
  dataset: z.string(),
  importId: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  fileName: z.string(),
  fileSha256: z.string(),
  rows: z.object({
    added: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    rejected: z.number().int(),
  }),
  status: z.enum(['active', 'rolled_back']),
  rolledBackAt: z.string().nullable(),
  rolledBackBy: z.string().nullable(),
  isDemo: z.boolean(),
  /** The version removed the demo data (import --replace-demo). */
  removesDemo: z.boolean(),
});

export const versionListResponseSchema = z.object({
  /** The version the data is at now (0: nothing loaded). */
  current: z.number().int(),
  /** Newest first, rolled-back versions included. */
  versions: z.array(datasetVersionSchema),
});

export const rollbackResponseSchema = z.object({
  /** The version the data is at now. */
  version: z.number().int(),
  /** Versions undone, newest first. */
  undone: z.array(z.number().int()),
  rowsRestored: z.number().int(),
  rowsRemoved: z.number().int(),
});
