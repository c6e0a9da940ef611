import type { Database } from '../storage/database.js';
import { currentVersionNumber } from '../versions/versions-repository.js';
import type { AnalysisFilters } from './analysis-filters.js';
import { listReconciliationLicenses, type ReconciliationLicenseRow } from './license-reconciliation-repository.js';

/**
 * Three-way license reconciliation (issue 11): per client and product, the seats bought at
 * the vendor (Partner Center, Pax8), assigned in the tenant (Microsoft Graph, the admin
 * centre) and billed to the client (PSA agreement additions, or `seats_billed`), and what
 * each difference costs a month:
 *
 * - `unbilled`: seats in use (or bought, when assignments are unknown) beyond those billed ×
 *   the client's price per seat (the cost per seat when no price is known): revenue missed;
 * - `over_billed`: seats billed beyond those bought × the price: a credit the client is owed;
 * - `unused`: seats bought beyond those assigned × the cost per seat: waste;
 * - `over_assigned`: seats assigned beyond those bought × the cost per seat: seats to buy.
 *
 * A figure counts only when a file of its kind said it (`licenses.sources`; a canonical row
 * states every figure it has). Once a client's billing was imported, a product missing from
 * it is billed 0 seats. Cancelled positions (an end date, no seats) are left out.
 */
export type ReconciliationDifferenceKind = 'unbilled' | 'over_billed' | 'unused' | 'over_assigned';

export interface ReconciliationDifference {
  kind: ReconciliationDifferenceKind;
  seats: number;
  /** Monthly money impact, in currency units (2 decimals). */
  monthlyImpact: number;
}

export interface ReconciliationPosition {
  clientId: string;
  clientName: string;
  product: string;
  vendor: string | null;
  /** Seats bought; `purchasedFrom` says who said so (`vendor`, `tenant`: the tenant's license count, `file`: a canonical row). */
  purchased: number;
  purchasedFrom: 'vendor' | 'tenant' | 'file';
  /** Seats assigned in the tenant; null when no tenant file said. */
  assigned: number | null;
  /** Seats billed to the client; null when none of the client's billing was imported. */
  billed: number | null;
  costPerSeat: number | null;
  pricePerSeat: number | null;
  differences: ReconciliationDifference[];
}

export interface LicenseReconciliation {
  version: number;
  /** Positions with at least one difference, largest monthly impact first. */
  positions: ReconciliationPosition[];
  /** Positions compared (with or without differences). */
  positionsCompared: number;
  totals: Record<ReconciliationDifferenceKind, number>;
}

export async function licenseReconciliation(database: Database, filters: AnalysisFilters = {}): Promise<LicenseReconciliation> {
  const [rows, version] = await Promise.all([listReconciliationLicenses(database.kysely, filters), currentVersionNumber(database.kysely)]);
  return { version, ...reconcileLicenses(rows) };
}

const has = (row: ReconciliationLicenseRow, kind: string): boolean => row.sources === null || row.sources.split(',').includes(kind);

/** The reconciliation of stored rows: pure, so each rule is tested on its own. */
export function reconcileLicenses(rows: readonly ReconciliationLicenseRow[]): Omit<LicenseReconciliation, 'version'> {
  const billedClients = new Set(rows.filter((r) => r.seats_billed !== null || r.sources?.split(',').includes('billed')).map((r) => r.client_id));
  const totals: Record<ReconciliationDifferenceKind, number> = { unbilled: 0, over_billed: 0, unused: 0, over_assigned: 0 };
  const positions: Array<ReconciliationPosition & { impactCents: number }> = [];
  let compared = 0;
  for (const row of rows) {
    if (row.end_date !== null && row.seats_purchased === 0) continue;
    compared += 1;
    const purchased = row.seats_purchased;
    const assigned = has(row, 'tenant') ? row.seats_used : null;
    const billed = row.seats_billed ?? (billedClients.has(row.client_id) ? 0 : null);
    const cost = row.cost_per_seat_cents ?? (row.total_cost_cents !== null && purchased > 0 ? Math.round(row.total_cost_cents / purchased) : null);
    const price = row.price_per_seat_cents ?? cost;
    const differences: Array<{ kind: ReconciliationDifferenceKind; seats: number; cents: number }> = [];
    const add = (kind: ReconciliationDifferenceKind, seats: number, perSeat: number | null): void => {
      if (seats > 0) differences.push({ kind, seats, cents: seats * (perSeat ?? 0) });
    };
    if (billed !== null) {
      add('unbilled', (assigned ?? purchased) - billed, price);
      add('over_billed', billed - purchased, price);
    }
    if (assigned !== null) {
      add('unused', purchased - assigned, cost);
      add('over_assigned', assigned - purchased, cost);
    }
    if (differences.length === 0) continue;
    for (const d of differences) totals[d.kind] += d.cents;
    positions.push({
      clientId: row.client_id,
      clientName: row.client_name,
      product: row.product,
      vendor: row.vendor,
      purchased,
      purchasedFrom: row.sources === null ? 'file' : has(row, 'vendor') ? 'vendor' : 'tenant',
      assigned,
      billed,
      costPerSeat: cost === null ? null : cost / 100,
      pricePerSeat: row.price_per_seat_cents === null ? null : row.price_per_seat_cents / 100,
      differences: differences.map((d) => ({ kind: d.kind, seats: d.seats, monthlyImpact: d.cents / 100 })),
      impactCents: differences.reduce((sum, d) => sum + d.cents, 0),
    });
  }
  positions.sort((a, b) => b.impactCents - a.impactCents || a.clientName.localeCompare(b.clientName) || a.product.localeCompare(b.product));
  return {
    positions: positions.map(({ impactCents: _impact, ...position }) => position),
    positionsCompared: compared,
    totals: {
      unbilled: totals.unbilled / 100,
      over_billed: totals.over_billed / 100,
      unused: totals.unused / 100,
      over_assigned: totals.over_assigned / 100,
    },
  };
}
