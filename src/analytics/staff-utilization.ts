import type { Config } from '../config/schema.js';
import { runQuery } from '../metrics/run-query.js';
import type { Period } from '../metrics/period.js';
import type { Database } from '../storage/database.js';
import type { AnalysisFilters } from './analysis-filters.js';
import { utilizationBand, type UtilizationBand } from './bands.js';

export interface StaffUtilizationRow {
  staffKey: string;
  staffName: string;
  hours: number;
  billableHours: number;
  billableRatioPct: number | null;
  utilizationPct: number | null;
  laborCost: number;
  band: UtilizationBand | null;
}

export interface StaffUtilizationAnalysis {
  period: Period;
  version: number;
  rows: StaffUtilizationRow[];
  overall: { utilizationPct: number | null; billableRatioPct: number | null; band: UtilizationBand | null };
  assumptions: string[];
}

/** Utilization (billable hours against capacity) and billable ratio per staff member, busiest first. */
export async function staffUtilization(database: Database, config: Config, filters: AnalysisFilters = {}): Promise<StaffUtilizationAnalysis> {
  const measures = ['hours', 'billable_hours', 'billable_ratio_pct', 'staff_utilization_pct', 'labor_cost'] as const;
  // Client and industry filters narrow the hours; capacity is each person's whole week.
  const planFilters = { from: filters.from, to: filters.to, clients: filters.clients, industries: filters.industries };
  const result = await runQuery(database, config, {
    measures: [...measures],
    groupBy: ['staff'],
    filters: planFilters,
    sort: [{ by: 'staff_utilization_pct', direction: 'desc' }],
  });
  const overall = await runQuery(database, config, { measures: ['staff_utilization_pct', 'billable_ratio_pct'], filters: planFilters });
  const total = overall.rows[0] ?? {};
  return {
    period: result.period,
    version: result.version,
    assumptions: result.assumptions,
    rows: result.rows.map((r) => ({
      staffKey: r.staff ?? '',
      staffName: r.staff_name ?? r.staff ?? '',
      hours: r.hours ?? 0,
      billableHours: r.billable_hours ?? 0,
      billableRatioPct: r.billable_ratio_pct ?? null,
      utilizationPct: r.staff_utilization_pct ?? null,
      laborCost: r.labor_cost ?? 0,
      band: utilizationBand(r.staff_utilization_pct ?? null),
    })),
    overall: {
      utilizationPct: total.staff_utilization_pct ?? null,
      billableRatioPct: total.billable_ratio_pct ?? null,
      band: utilizationBand(total.staff_utilization_pct ?? null),
    },
  };
}
