import { z } from 'zod';
import { isoDate } from '../metrics/query-plan.js';

/** The filters every analysis accepts (CLI flags, HTTP query). */
export const analysisFiltersSchema = z
  .object({
    from: isoDate.optional(),
    to: isoDate.optional(),
    clients: z.array(z.string().min(1)).optional(),
    industries: z.array(z.string().min(1)).optional(),
  })
  .strict();

export type AnalysisFilters = z.infer<typeof analysisFiltersSchema>;
