import { z } from 'zod';

const money = z.number().describe('Currency units, 2 decimals');
const kind = z
  .enum(['unbilled', 'over_billed', 'unused', 'over_assigned'])
  .describe(
    'unbilled: in use beyond billed × price; over_billed: billed beyond bought × price; unused: bought beyond assigned × cost; over_assigned: assigned beyond bought × cost',
  );

/** GET /api/v1/analytics/license-reconciliation: the presented three-way license reconciliation. */
export const presentedLicenseReconciliationSchema = z.object({
  currency: z.string(),
  version: z.number().int().describe('Dataset version the figures come from'),
  positionsCompared: z.number().int(),
  totals: z.object({ unbilled: money, over_billed: money, unused: money, over_assigned: money }).describe('Monthly impact of each kind of difference'),
  positions: z.array(
    z.object({
      clientId: z.string(),
      clientName: z.string(),
      product: z.string(),
      vendor: z.string().nullable(),
      purchased: z.number().int(),
      purchasedFrom: z
        .enum(['vendor', 'tenant', 'file'])
        .describe("Who said how many seats were bought: the vendor's file, the tenant's license count, or a canonical licenses file"),
      assigned: z.number().int().nullable().describe('null: no tenant file was imported for this position'),
      billed: z.number().int().nullable().describe("null: none of the client's billing was imported"),
      costPerSeat: money.nullable(),
      pricePerSeat: money.nullable(),
      differences: z.array(z.object({ kind, seats: z.number().int(), monthlyImpact: money })),
    }),
  ),
  demo: z.boolean(),
});
