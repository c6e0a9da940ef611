import { z } from 'zod';
import { dateOrderSettings } from '../../config/schema.js';
import { errorResponseSchema } from '../error-handler.js';

const booleanText = z.enum(['true', 'false']).transform((value) => value === 'true');

/**
 * Import options, from the query string or from multipart form fields (the form wins).
 * `mode` and `date_order` default to config `ingest.mode` and `ingest.date_order`.
 */
export const importOptionsSchema = z.object({
  mode: z.enum(['strict', 'lenient']).optional().describe('strict: one bad row refuses the file; lenient: valid rows load'),
  dry_run: booleanText.optional().describe('true: validate and report, write nothing'),
  date_order: z
    .enum(dateOrderSettings)
    .optional()
    .describe('How 03/11/2025 reads: dmy, mdy, ymd (year-first only) or auto (per column from the file); default config ingest.date_order'),
  preset: z
    .string()
    .trim()
    .min(1)
    .max(80)
    .optional()
    .describe(
      'Vendor export preset: auto (default: recognised from the header, or a saved mapping profile that fits it), none (canonical columns only), ' +
        'an id such as connectwise-time, or profile:NAME for a saved mapping profile (docs/IMPORTING.md)',
    ),
  sheet: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .optional()
    .describe('An Excel workbook (.xlsx): the worksheet to import, by name, case-insensitive (default the first); refused for a CSV file'),
  client: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .optional()
    .describe("The client (id or name) of a file that names none: a Microsoft 365 tenant's license export (one tenant, one client)"),
  prices: z
    .string()
    .trim()
    .min(1)
    .max(1000)
    .optional()
    .describe('Monthly cost per seat for license exports without prices: product=cost entries separated by ;, e.g. SPE_E3=36.00;SPB=22.00'),
  file_name: z.string().trim().min(1).max(255).optional().describe('Name shown in messages for a raw body (default upload.csv)'),
  replace_demo: booleanText
    .optional()
    .describe('true: the database holds the bundled demo data; remove it first (as new, audited versions) instead of refusing with MM_DEMO_DATA'),
  force: booleanText.optional().describe('true: the database holds the bundled demo data; import alongside it instead of refusing with MM_DEMO_DATA'),
});

export type ImportOptions = z.infer<typeof importOptionsSchema>;

export const importDatasetParamsSchema = z.object({
  dataset: z.string().min(1).max(64).describe('clients, staff, invoices, time_logs or licenses'),
});

export const importIdParamsSchema = z.object({
  id: z.string().min(1).max(100),
});

export const listImportsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const rowErrorSchema = z.object({
  line: z.number().int(),
  column: z.number().int().nullable(),
  field: z.string().nullable(),
  value: z.string().nullable(),
  reason: z.string(),
  message: z.string(),
});

/** Client names that matched no client exactly (docs/IMPORTING.md, "Client names across sources"). */
export const clientMatchesSchema = z.object({
  automatic: z
    .array(z.object({ name: z.string(), clientId: z.string(), clientName: z.string(), rows: z.number().int() }))
    .describe('Names resolved by the loose match key to the one client that has it: loaded, awaiting confirmation'),
  unmapped: z
    .array(z.object({ name: z.string(), rows: z.number().int(), candidates: z.array(z.string()) }))
    .describe('Names no client was found for (rows rejected); candidates: the clients an ambiguous name matches'),
});

export const presentedImportSchema = z.object({
  id: z.string(),
  dataset: z.string(),
  fileName: z.string(),
  sha256: z.string(),
  bytes: z.number().int(),
  encoding: z.string().nullable(),
  delimiter: z.string().nullable(),
  /** The worksheet read from an Excel workbook; null for CSV (whose encoding and delimiter are then set). */
  sheet: z.string().nullable(),
  mode: z.enum(['strict', 'lenient']),
  dryRun: z.boolean(),
  status: z.enum(['succeeded', 'unchanged', 'failed', 'validated']),
  version: z.number().int().nullable(),
  rows: z.object({
    total: z.number().int(),
    added: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    rejected: z.number().int(),
  }),
  errorCount: z.number().int(),
  /** The first errors (config ingest.inline_errors); `links.rejects` has every one. */
  errors: z.array(rowErrorSchema),
  ignoredColumns: z.array(z.string()),
  format: z
    .object({
      preset: z.object({ id: z.string(), name: z.string() }).nullable().describe('The vendor export the file was read as; null for canonical columns'),
      titleRows: z.number().int().describe('Title lines skipped above the header row'),
      skippedRows: z.number().int().describe('Total, subtotal, footer and blank rows skipped, and rows of other transactions a preset skips (payments)'),
      dateOrders: z
        .array(z.object({ column: z.string(), order: z.enum(['ymd', 'dmy', 'mdy', 'excel-serial']).nullable() }))
        .describe('How each date column was read: ymd (year first), dmy, mdy, excel-serial; null when it held no dates'),
      decimalSeparator: z.enum(['.', ',']).nullable().describe("The file's decimal mark; null when no number had one"),
      currency: z.string().nullable().describe('The currency money cells were marked with (ISO code), else null'),
    })
    .describe('How the file was read'),
  clientMatches: clientMatchesSchema,
  message: z.string(),
  createdBy: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  links: z.object({
    /** null for a dry run: it keeps no import record. */
    self: z.string().nullable(),
    rejects: z.string().nullable(),
  }),
});

export type PresentedImport = z.infer<typeof presentedImportSchema>;

export const importListResponseSchema = z.object({
  imports: z.array(presentedImportSchema),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

/** A refused file: the error shape, with the whole import (and its first errors) as details. */
export const failedImportResponseSchema = z.object({
  error: errorResponseSchema.shape.error.extend({ details: presentedImportSchema }),
});

/**
 * The upload body, for the OpenAPI document only: the route reads its body itself as a
 * stream, so no validator may see it.
 */
export const importUploadRequestBody = {
  content: {
    'multipart/form-data': {
      schema: {
        type: 'object',
        required: ['file'],
        properties: {
          file: { type: 'string', format: 'binary', description: 'The CSV export or Excel workbook (.xlsx)' },
          sheet: { type: 'string', description: 'The worksheet of a workbook to import (default the first)' },
          mode: { type: 'string', enum: ['strict', 'lenient'] },
          dry_run: { type: 'string', enum: ['true', 'false'] },
          preset: { type: 'string', description: 'auto (default), none, or a preset id such as connectwise-time' },
          client: { type: 'string', description: "the client (id or name) of a file that names none (a Microsoft 365 tenant's licenses)" },
          prices: { type: 'string', description: 'monthly cost per seat by product: SPE_E3=36.00;SPB=22.00' },
          replace_demo: { type: 'string', enum: ['true', 'false'] },
          force: { type: 'string', enum: ['true', 'false'] },
        },
      },
    },
    'text/csv': { schema: { type: 'string', format: 'binary' } },
    'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
  },
};
