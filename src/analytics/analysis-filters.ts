import { z } from 'zod';

/** The filters every analysis accepts (CLI flags, HTTP query). */
export const analysisFiltersSchema = z
  .object({
    from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').optional(),
    to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').optional(),
    clients: z.array(z.string().min(1)).optional(),
    industries: z.array(z.string().min(1)).optional(),
  })
  .strict();

export type AnalysisFilters = z.infer<typeof analysisFiltersSchema>;
