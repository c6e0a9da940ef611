/**
 * Bands from DESIGN section 4 (defaults; the policy may override them later).
 * Margin: ≥ 40 % healthy, 20–40 watch, 0–20 at risk, < 0 losing money (industry average
 * managed-services gross margin ≈ 46 %). License utilization: < 50 under-used, < 80 moderate,
 * ≥ 80 good, > 100 over-assigned. Staff utilization: target 75 %, < 60 under-used, > 85
 * burnout risk.
 */

export type MarginBand = 'healthy' | 'watch' | 'at_risk' | 'losing_money';
export type LicenseBand = 'under_used' | 'moderate' | 'good' | 'over_assigned';
export type UtilizationBand = 'under_used' | 'on_target' | 'burnout_risk';

export function marginBand(marginPct: number | null): MarginBand | null {
  if (marginPct === null) return null;
  if (marginPct < 0) return 'losing_money';
  if (marginPct < 20) return 'at_risk';
  if (marginPct < 40) return 'watch';
  return 'healthy';
}

export function licenseBand(utilizationPct: number | null): LicenseBand | null {
  if (utilizationPct === null) return null;
  if (utilizationPct > 100) return 'over_assigned';
  if (utilizationPct < 50) return 'under_used';
  if (utilizationPct < 80) return 'moderate';
  return 'good';
}

export function utilizationBand(utilizationPct: number | null): UtilizationBand | null {
  if (utilizationPct === null) return null;
  if (utilizationPct < 60) return 'under_used';
  if (utilizationPct > 85) return 'burnout_risk';
  return 'on_target';
}

export const bandLabels: Record<MarginBand | LicenseBand | UtilizationBand, string> = {
  healthy: 'healthy',
  watch: 'watch',
  at_risk: 'at risk',
  losing_money: 'losing money',
  under_used: 'under-used',
  moderate: 'moderate',
  good: 'good',
  over_assigned: 'over-assigned',
  on_target: 'on target',
  burnout_risk: 'burnout risk',
};
