import type { Config } from '../config/schema.js';
import { runQuery } from '../metrics/run-query.js';
import type { Period } from '../metrics/period.js';
import { displayFormat } from '../present/display-format.js';
import type { Database } from '../storage/database.js';
import type { AnalysisFilters } from './analysis-filters.js';
import { licenseBand, type LicenseBand } from './bands.js';
import { recommendSeats, type LicenseRecommendation } from './license-recommendation.js';

export interface LicensePositionRow {
  clientId: string;
  clientName: string;
  product: string;
  vendor: string | null;
  seatsPurchased: number;
  seatsUsed: number;
  utilizationPct: number | null;
  unusedSeats: number;
  overAssignedSeats: number;
  monthlyWaste: number;
  band: LicenseBand | null;
  recommendation: LicenseRecommendation;
}

export interface LicenseSummaryRow {
  key: string;
  seatsPurchased: number;
  seatsUsed: number;
  utilizationPct: number | null;
  unusedSeats: number;
  overAssignedSeats: number;
  monthlyWaste: number;
  band: LicenseBand | null;
}

export interface LicenseEfficiencyAnalysis {
  period: Period;
  version: number;
  /** One row per client × product (× vendor), most waste first. */
  positions: LicensePositionRow[];
  byClient: LicenseSummaryRow[];
  byProduct: LicenseSummaryRow[];
  byVendor: LicenseSummaryRow[];
  totalMonthlyWaste: number;
  totalMonthlySavings: number;
}

const seatMeasures = ['seats_purchased', 'seats_used', 'license_utilization_pct', 'unused_seats', 'over_assigned_seats', 'license_waste'] as const;

/** Utilization, unused and over-assigned seats, monthly waste and reclaim recommendations. */
export async function licenseEfficiency(database: Database, config: Config, filters: AnalysisFilters = {}): Promise<LicenseEfficiencyAnalysis> {
  const positions = await runQuery(database, config, {
    measures: [...seatMeasures],
    groupBy: ['client', 'product', 'vendor'],
    filters,
    sort: [{ by: 'license_waste', direction: 'desc' }],
  });
  const summary = async (dim: 'client' | 'product' | 'vendor'): Promise<LicenseSummaryRow[]> => {
    const result = await runQuery(database, config, {
      measures: [...seatMeasures],
      groupBy: [dim],
      filters,
      sort: [{ by: 'license_waste', direction: 'desc' }],
    });
    return result.rows
      .filter((r) => (r.seats_purchased ?? 0) + (r.seats_used ?? 0) > 0 || dim !== 'client')
      .map((r) => ({
        key: dim === 'client' ? (r.client_name ?? r.client ?? '') : (r[dim] ?? '(none)'),
        seatsPurchased: r.seats_purchased ?? 0,
        seatsUsed: r.seats_used ?? 0,
        utilizationPct: r.license_utilization_pct ?? null,
        unusedSeats: r.unused_seats ?? 0,
        overAssignedSeats: r.over_assigned_seats ?? 0,
        monthlyWaste: r.license_waste ?? 0,
        band: licenseBand(r.license_utilization_pct ?? null),
      }));
  };
  const { money } = displayFormat(config.display.currency);
  const rows: LicensePositionRow[] = positions.rows.map((r) => {
    const unused = r.unused_seats ?? 0;
    const waste = r.license_waste ?? 0;
    const position = {
      clientName: r.client_name ?? r.client ?? '',
      product: r.product ?? '',
      seatsPurchased: r.seats_purchased ?? 0,
      seatsUsed: r.seats_used ?? 0,
      costPerSeat: unused > 0 ? waste / unused : null,
    };
    return {
      clientId: r.client ?? '',
      clientName: position.clientName,
      product: position.product,
      vendor: r.vendor ?? null,
      seatsPurchased: position.seatsPurchased,
      seatsUsed: position.seatsUsed,
      utilizationPct: r.license_utilization_pct ?? null,
      unusedSeats: unused,
      overAssignedSeats: r.over_assigned_seats ?? 0,
      monthlyWaste: waste,
      band: licenseBand(r.license_utilization_pct ?? null),
      recommendation: recommendSeats(position, config.analytics.license_headroom_pct, money),
    };
  });
  return {
    period: positions.period,
    version: positions.version,
    positions: rows,
    byClient: await summary('client'),
    byProduct: await summary('product'),
    byVendor: await summary('vendor'),
    totalMonthlyWaste: Math.round(rows.reduce((s, r) => s + r.monthlyWaste, 0) * 100) / 100,
    totalMonthlySavings: Math.round(rows.reduce((s, r) => s + r.recommendation.monthlySavings, 0) * 100) / 100,
  };
}
