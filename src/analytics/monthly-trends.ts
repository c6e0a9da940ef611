import type { Config } from '../config/schema.js';
import { monthsOf, type Period } from '../metrics/period.js';
import { runQuery } from '../metrics/run-query.js';
import type { Database } from '../storage/database.js';
import type { AnalysisFilters } from './analysis-filters.js';

export interface TrendRow {
  month: string;
  revenue: number;
  laborCost: number;
  licenseCost: number;
  grossProfit: number;
  grossMarginPct: number | null;
  hours: number;
  billableRatioPct: number | null;
}

export interface TrendsAnalysis {
  period: Period;
  version: number;
  rows: TrendRow[];
}

/** Month by month: revenue, costs, profit, margin, hours, billable ratio; months without data are listed with zeros. */
export async function monthlyTrends(database: Database, config: Config, filters: AnalysisFilters = {}): Promise<TrendsAnalysis> {
  const result = await runQuery(database, config, {
    measures: ['revenue', 'labor_cost', 'license_cost', 'gross_profit', 'gross_margin_pct', 'hours', 'billable_ratio_pct'],
    groupBy: ['month'],
    filters,
  });
  const byMonth = new Map(result.rows.map((r) => [r.month, r]));
  return {
    period: result.period,
    version: result.version,
    rows: monthsOf(result.period).map(({ label }) => {
      const r = byMonth.get(label) ?? {};
      return {
        month: label,
        revenue: r.revenue ?? 0,
        laborCost: r.labor_cost ?? 0,
        licenseCost: r.license_cost ?? 0,
        grossProfit: r.gross_profit ?? 0,
        grossMarginPct: r.gross_margin_pct ?? null,
        hours: r.hours ?? 0,
        billableRatioPct: r.billable_ratio_pct ?? null,
      };
    }),
  };
}
