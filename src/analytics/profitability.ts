import type { Config } from '../config/schema.js';
import { runQuery } from '../metrics/run-query.js';
import type { Period } from '../metrics/period.js';
import type { Database } from '../storage/database.js';
import type { AnalysisFilters } from './analysis-filters.js';
import { marginBand, type MarginBand } from './bands.js';

export interface ProfitabilityRow {
  clientId: string;
  clientName: string;
  revenue: number;
  laborCost: number;
  licenseCost: number;
  totalCost: number;
  grossProfit: number;
  grossMarginPct: number | null;
  effectiveHourlyRate: number | null;
  hours: number;
  invoiceCount: number;
  band: MarginBand | null;
  /** Integer sums behind the row (cents, milli-hours, counts) for confidence and attribution. */
  sums: Record<string, number>;
}

export interface ProfitabilityAnalysis {
  period: Period;
  version: number;
  rows: ProfitabilityRow[];
  assumptions: string[];
}

/** Revenue, labor/license/total cost, gross profit, margin, effective hourly rate and band per client, worst margin first. */
export async function profitabilityByClient(database: Database, config: Config, filters: AnalysisFilters = {}): Promise<ProfitabilityAnalysis> {
  const result = await runQuery(database, config, {
    measures: ['revenue', 'labor_cost', 'license_cost', 'total_cost', 'gross_profit', 'gross_margin_pct', 'effective_hourly_rate', 'hours', 'invoice_count'],
    groupBy: ['client'],
    filters,
    sort: [{ by: 'gross_margin_pct', direction: 'asc' }],
  });
  return {
    period: result.period,
    version: result.version,
    assumptions: result.assumptions,
    rows: result.rows.map((row, i) => ({
      clientId: row.client ?? '',
      clientName: row.client_name ?? row.client ?? '',
      revenue: row.revenue ?? 0,
      laborCost: row.labor_cost ?? 0,
      licenseCost: row.license_cost ?? 0,
      totalCost: row.total_cost ?? 0,
      grossProfit: row.gross_profit ?? 0,
      grossMarginPct: row.gross_margin_pct ?? null,
      effectiveHourlyRate: row.effective_hourly_rate ?? null,
      hours: row.hours ?? 0,
      invoiceCount: row.invoice_count ?? 0,
      band: marginBand(row.gross_margin_pct ?? null),
      sums: result.sums[i]!,
    })),
  };
}
