import { z } from 'zod';
import { isCalendarDate } from './period.js';

/**
 * A question to the data, as data: which measures, grouped by which dimensions, under
 * which filters. Every number MoatMetrics shows is the answer to a QueryPlan, compiled to
 * parameterised SQL by `run-query.ts` — nothing else computes a metric.
 */

export const measureNames = [
  'revenue',
  'collected_revenue',
  'outstanding',
  'invoice_count',
  'hours',
  'billable_hours',
  'non_billable_hours',
  'labor_cost',
  'license_cost',
  'total_cost',
  'gross_profit',
  'gross_margin_pct',
  'effective_hourly_rate',
  'seats_purchased',
  'seats_used',
  'license_utilization_pct',
  'unused_seats',
  'over_assigned_seats',
  'license_waste',
  'billable_ratio_pct',
  'staff_utilization_pct',
  'client_count',
  'all_invoice_count',
  'time_entry_count',
  'hours_per_time_entry',
  'average_monthly_revenue',
  'contract_value',
  'average_contract_value',
  'license_count',
  'staff_count',
] as const;
export type MeasureName = (typeof measureNames)[number];

export const clientStatuses = ['active', 'inactive', 'churned'] as const;
export const invoiceStatuses = ['paid', 'pending', 'overdue', 'void', 'draft'] as const;

export const dimensionNames = ['client', 'industry', 'staff', 'product', 'vendor', 'month', 'quarter', 'year', 'invoice_status'] as const;
export type DimensionName = (typeof dimensionNames)[number];

/** A real calendar day written YYYY-MM-DD (2025-02-30 is refused). */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(isCalendarDate, 'is not a calendar date');

export const thresholdSchema = z
  .object({
    measure: z.enum(measureNames),
    op: z.enum(['<', '<=', '>', '>=', '=', '!=']),
    value: z.number(),
  })
  .strict();

export const queryPlanSchema = z
  .object({
    measures: z.array(z.enum(measureNames)).min(1).max(measureNames.length),
    groupBy: z.array(z.enum(dimensionNames)).max(3).default([]),
    filters: z
      .object({
        /** Inclusive period; defaults to the earliest … latest invoice or time-log date. */
        from: isoDate.optional(),
        to: isoDate.optional(),
        clients: z.array(z.string().min(1)).optional(),
        industries: z.array(z.string().min(1)).optional(),
        staff: z.array(z.string().min(1)).optional(),
        products: z.array(z.string().min(1)).optional(),
        vendors: z.array(z.string().min(1)).optional(),
        /** Only clients of these statuses (every fact joined to its client). */
        clientStatuses: z.array(z.enum(clientStatuses)).min(1).optional(),
        /** Only invoices of these statuses; time logs and licenses are not affected. */
        invoiceStatuses: z.array(z.enum(invoiceStatuses)).min(1).optional(),
        /** Keeps only result rows meeting every threshold (e.g. gross_margin_pct < 0). */
        thresholds: z.array(thresholdSchema).optional(),
      })
      .strict()
      .default({}),
    sort: z
      .array(z.object({ by: z.union([z.enum(measureNames), z.enum(dimensionNames)]), direction: z.enum(['asc', 'desc']).default('asc') }).strict())
      .optional(),
    limit: z.number().int().min(1).max(100_000).optional(),
  })
  .strict()
  .refine((plan) => !plan.filters.from || !plan.filters.to || plan.filters.from <= plan.filters.to, {
    message: 'filters.from must not be after filters.to',
    path: ['filters', 'from'],
  });

export type QueryPlan = z.infer<typeof queryPlanSchema>;
export type QueryPlanInput = z.input<typeof queryPlanSchema>;
export type Threshold = z.infer<typeof thresholdSchema>;
