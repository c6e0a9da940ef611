import { z } from 'zod';
import { datasetNames } from '../../ingest/datasets/dataset-names.js';

/** A saved mapping profile (ingest/import-profiles.ts), as every route presents it. */
export const importProfileSchema = z.object({
  name: z.string(),
  dataset: z.enum(datasetNames),
  signature: z.array(z.string()).describe('The header it was saved from, normalised: a file with this header (or every mapped column) uses it'),
  mapping: z.record(z.string(), z.string()).describe('Canonical field → the file column it is read from'),
  createdBy: z.string(),
  createdAt: z.string(),
});

export const importProfileListSchema = z.object({ profiles: z.array(importProfileSchema) });

export const importProfileListQuerySchema = z.object({
  dataset: z.enum(datasetNames).optional().describe("Only this dataset's profiles"),
});

/** POST /api/v1/import-profiles: the header to map, and optionally the name to save the mapping as. */
export const importProfileBodySchema = z
  .object({
    dataset: z.enum(datasetNames),
    text: z
      .string()
      .min(1)
      .max(1_000_000)
      .describe("The file's header row, or its first lines (CSV, comma, semicolon or tab); title lines above the header are skipped"),
    name: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .optional()
      .describe('Save the mapping under this name (audited); without it the proposal is returned and nothing is written'),
    overrides: z
      .array(
        z
          .object({
            header: z.string().min(1).max(1000).describe('A column of the header, as written'),
            field: z.string().min(1).max(100).nullable().describe('The canonical field to read it as; null leaves the column unmapped'),
          })
          .strict(),
      )
      .max(500)
      .optional()
      .describe('Corrections to the proposal, applied in order (CLI --set "File Header=field")'),
  })
  .strict();

const proposedColumnSchema = z.object({
  column: z.number().int().describe('1-based position in the header'),
  header: z.string(),
  field: z.string().nullable().describe('The canonical field proposed; null when no field is close enough (the column is ignored)'),
  score: z.number().nullable().describe('How close the header is to the field, 0–1; 1 for a correction'),
});

export const importProfileProposalSchema = z.object({
  header: z.object({ cells: z.array(z.string()), line: z.number().int().describe('The line of the text the header is on') }),
  proposal: z.object({
    dataset: z.string(),
    columns: z.array(proposedColumnSchema),
    mapping: z.record(z.string(), z.string()),
    missing: z.array(z.string()).describe('Required fields no column maps to; a profile is saved only when this is empty'),
  }),
  saved: importProfileSchema.nullable().describe('The profile saved (with `name`); null for a proposal'),
});

export const importProfileNameParamsSchema = z.object({
  name: z.string().min(1).max(64).describe('The profile name (URL-encoded)'),
});
