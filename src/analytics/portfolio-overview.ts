import type { Config } from '../config/schema.js';
import type { Period } from '../metrics/period.js';
import { runQuery } from '../metrics/run-query.js';
import type { Database } from '../storage/database.js';
import type { AnalysisFilters } from './analysis-filters.js';
import { marginBand, type MarginBand } from './bands.js';
import { profitabilityByClient } from './profitability.js';

export interface PortfolioOverview {
  period: Period;
  version: number;
  totals: {
    revenue: number;
    collectedRevenue: number;
    outstanding: number;
    laborCost: number;
    licenseCost: number;
    grossProfit: number;
    grossMarginPct: number | null;
    effectiveHourlyRate: number | null;
    hours: number;
    billableRatioPct: number | null;
    staffUtilizationPct: number | null;
    licenseUtilizationPct: number | null;
    monthlyLicenseWaste: number;
    overAssignedSeats: number;
    clientCount: number;
  };
  band: MarginBand | null;
  clientsByBand: Record<MarginBand | 'no_revenue', number>;
  losingClients: Array<{ clientId: string; clientName: string; grossProfit: number; grossMarginPct: number | null }>;
  assumptions: string[];
}

/** The whole portfolio at a glance: totals, margin band counts and the clients losing money. */
export async function portfolioOverview(database: Database, config: Config, filters: AnalysisFilters = {}): Promise<PortfolioOverview> {
  const totals = await runQuery(database, config, {
    measures: [
      'revenue',
      'collected_revenue',
      'outstanding',
      'labor_cost',
      'license_cost',
      'gross_profit',
      'gross_margin_pct',
      'effective_hourly_rate',
      'hours',
      'billable_ratio_pct',
      'license_utilization_pct',
      'license_waste',
      'over_assigned_seats',
      'client_count',
    ],
    filters,
  });
  // Same scope as the staff analysis: the filtered clients' billable hours against everyone's capacity.
  const utilization = await runQuery(database, config, {
    measures: ['staff_utilization_pct'],
    filters: { from: totals.period.from, to: totals.period.to, clients: filters.clients, industries: filters.industries },
  });
  const clients = await profitabilityByClient(database, config, { ...filters, from: totals.period.from, to: totals.period.to });
  const t = totals.rows[0] ?? {};
  const clientsByBand: PortfolioOverview['clientsByBand'] = { healthy: 0, watch: 0, at_risk: 0, losing_money: 0, no_revenue: 0 };
  for (const row of clients.rows) clientsByBand[row.band ?? 'no_revenue'] += 1;
  return {
    period: totals.period,
    version: totals.version,
    totals: {
      revenue: t.revenue ?? 0,
      collectedRevenue: t.collected_revenue ?? 0,
      outstanding: t.outstanding ?? 0,
      laborCost: t.labor_cost ?? 0,
      licenseCost: t.license_cost ?? 0,
      grossProfit: t.gross_profit ?? 0,
      grossMarginPct: t.gross_margin_pct ?? null,
      effectiveHourlyRate: t.effective_hourly_rate ?? null,
      hours: t.hours ?? 0,
      billableRatioPct: t.billable_ratio_pct ?? null,
      staffUtilizationPct: utilization.rows[0]?.staff_utilization_pct ?? null,
      licenseUtilizationPct: t.license_utilization_pct ?? null,
      monthlyLicenseWaste: t.license_waste ?? 0,
      overAssignedSeats: t.over_assigned_seats ?? 0,
      clientCount: t.client_count ?? 0,
    },
    band: marginBand(t.gross_margin_pct ?? null),
    clientsByBand,
    losingClients: clients.rows
      .filter((r) => r.grossProfit < 0)
      .sort((a, b) => a.grossProfit - b.grossProfit)
      .map((r) => ({ clientId: r.clientId, clientName: r.clientName, grossProfit: r.grossProfit, grossMarginPct: r.grossMarginPct })),
    assumptions: totals.assumptions,
  };
}
