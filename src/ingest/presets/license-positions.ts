import { z } from 'zod';
import { parseScaledDecimal } from '../field-types.js';
import type { RowProblem } from '../datasets/dataset-definition.js';
import type { PresetRowContext, StoredLicense } from './import-preset.js';
import { freeMicrosoftProducts, partNumberOf, productKey, productName } from './license-products.js';

/**
 * One license position (a client's seats of one product) is put together from up to three
 * kinds of vendor file, each observing a part of it:
 *
 * - `vendor`: what was bought — Partner Center, Pax8 (seats, cost per seat);
 * - `tenant`: what is assigned — Microsoft Graph `subscribedSkus`, the admin centre (seats in use);
 * - `billed`: what the client is invoiced — a PSA's agreement additions (seats, sell price).
 *
 * Every vendor preset writes the position under the same id (`<client id>/<product key>`), so
 * the files land on one row in any order: each sets what it observes and keeps what the
 * stored row has from the other kinds (`sources` says which kinds the row's figures come
 * from). The license metrics read the row as they read a canonical one; the three-way
 * reconciliation (analytics/license-reconciliation.ts) compares the observed parts.
 */
export type LicenseSourceKind = 'vendor' | 'tenant' | 'billed';

const kindOrder: readonly LicenseSourceKind[] = ['vendor', 'tenant', 'billed'];

/** `C-ACME` + "Microsoft 365 E3" → `C-ACME/microsoft365e3`. */
export function positionId(clientId: string, product: string): string {
  return `${clientId}/${productKey(product)}`;
}

/** `vendor` + `tenant` → `vendor,tenant` (always in that order). */
export function withSource(sources: string | null | undefined, kind: LicenseSourceKind): string {
  const kinds = new Set((sources ?? '').split(',').filter((k) => k !== ''));
  kinds.add(kind);
  return kindOrder.filter((k) => kinds.has(k)).join(',');
}

/** Whether the stored row's figures of this kind were observed (a canonical row, `sources` null, states all of them). */
function observed(stored: StoredLicense | null, kind: LicenseSourceKind): boolean {
  return stored !== null && (stored.sources === null || stored.sources.split(',').includes(kind));
}

/**
 * How many months one unit price pays for, from a billing frequency ("Monthly", "Annual",
 * "Triennial") or a term-and-billing text ("One-Year commitment for monthly billing"): the
 * commitment term does not matter, the billing cycle does. Unknown or one-time: 1.
 */
export function billingMonths(text: string | null | undefined): number {
  const value = (text ?? '').toLowerCase();
  const cycle = /(monthly|annual(?:ly)?|yearly|triennial)\s+billing|billed\s+(monthly|annually|yearly|triennially)|paid\s+(monthly|annually|yearly)/.exec(
    value,
  );
  const word = cycle ? (cycle[1] ?? cycle[2] ?? cycle[3])! : value.trim();
  if (/^(annual|annually|yearly|year|p1y|1 year)$/.test(word)) return 12;
  if (/^(triennial|triennially|p3y|3 years)$/.test(word)) return 36;
  return 1;
}

/** A quantity as exports write it (`1,000`, `-2`, `10.00`), rounded to whole seats; empty is 0. */
export const signedQuantity = z.string().transform((raw, ctx) => {
  const value = raw.trim();
  if (value === '') return 0;
  const hundredths = parseScaledDecimal(value, 2);
  if (hundredths === null) {
    ctx.addIssue({ code: 'custom', message: 'is not a quantity' });
    return z.NEVER;
  }
  return Math.round(hundredths / 100);
});

/** The group key of a vendor's lines: the customer as written and the product's key. */
export function positionKey(values: readonly string[]): string {
  const [customer = '', ...products] = values;
  const product = products.find((p) => p.trim() !== '') ?? '';
  if (customer.trim() === '' || product.trim() === '') return '';
  return `${customer.trim().toLowerCase()}|${productKey(productName(product))}`;
}

/** The product column: the first name present, as the product table spells it. */
export function productColumn(values: readonly string[]): string {
  return productName(values.find((v) => v.trim() !== '') ?? '');
}

/** What a stored position keeps when a file of another kind sets its own part. */
function keptFrom(stored: StoredLicense | null): Record<string, unknown> {
  return {
    price_per_seat: stored?.price_per_seat_cents ?? null,
    seats_billed: stored?.seats_billed ?? null,
    billing_term: stored?.billing_term ?? null,
    renewal_date: stored?.renewal_date ?? null,
    start_date: stored?.start_date ?? null,
    end_date: stored?.end_date ?? null,
  };
}

/** Cells a file left empty take the stored position's value. */
function fillFrom(cells: Record<string, unknown>, kept: Record<string, unknown>): void {
  for (const [field, value] of Object.entries(kept)) if (cells[field] === null || cells[field] === undefined) cells[field] = value;
}

/**
 * A vendor file's position (Partner Center, Pax8): seats and cost bought; seats in use from
 * the tenant's file when one was imported, else every seat bought counts as used (no waste is
 * claimed without assignment data).
 */
export function completeVendorPosition(cells: Record<string, unknown>, context: PresetRowContext, seats: number, costPerSeat: number): RowProblem | null {
  const id = positionId(cells.client_id as string, cells.product as string);
  const stored = context.storedLicense(id);
  cells.license_id = id;
  cells.seats_purchased = seats;
  cells.seats_used = observed(stored, 'tenant') ? stored!.seats_used : seats;
  cells.cost_per_seat = costPerSeat;
  cells.total_cost = null;
  cells.vendor ??= stored?.vendor ?? null;
  fillFrom(cells, keptFrom(stored));
  cells.sources = withSource(stored?.sources, 'vendor');
  return null;
}

/**
 * A tenant file's position (Graph, admin centre): seats in use observed; seats bought from
 * the vendor's file when one was imported, else the tenant's own license count; the monthly
 * cost per seat from the vendor's file, else the price list, else none (the row's problem).
 */
export function completeTenantPosition(cells: Record<string, unknown>, context: PresetRowContext, tenantSeats: number): RowProblem | null {
  const product = cells.product as string;
  const id = positionId(cells.client_id as string, product);
  const stored = context.storedLicense(id);
  const cost = observed(stored, 'vendor')
    ? stored!.cost_per_seat_cents
    : (context.prices.get(productKey(product)) ?? stored?.cost_per_seat_cents ?? (freeMicrosoftProducts.has(productKey(product)) ? 0 : null));
  if (cost === null && stored?.total_cost_cents == null) return { field: 'product', reason: missingCost(product) };
  cells.license_id = id;
  cells.seats_purchased = observed(stored, 'vendor') ? stored!.seats_purchased : tenantSeats;
  cells.cost_per_seat = cost;
  cells.total_cost = cost === null ? stored!.total_cost_cents : null;
  cells.vendor = stored?.vendor ?? 'Microsoft';
  fillFrom(cells, keptFrom(stored));
  cells.sources = withSource(stored?.sources, 'tenant');
  return null;
}

/**
 * A PSA's billed position (agreement additions): seats billed and the sell price; seats bought
 * and in use from the vendor's and tenant's files when imported, else the billed seats; the
 * cost per seat from the vendor's file, else the PSA's unit cost, else the price list.
 */
export function completeBilledPosition(cells: Record<string, unknown>, context: PresetRowContext, billedSeats: number): RowProblem | null {
  const product = cells.product as string;
  const id = positionId(cells.client_id as string, product);
  const stored = context.storedLicense(id);
  const fileCost = (cells.cost_per_seat as number | null | undefined) ?? null;
  const cost = observed(stored, 'vendor')
    ? stored!.cost_per_seat_cents
    : (fileCost ?? context.prices.get(productKey(product)) ?? stored?.cost_per_seat_cents ?? null);
  if (cost === null) return { field: 'product', reason: missingCost(product) };
  const purchased = observed(stored, 'vendor') ? stored!.seats_purchased : billedSeats;
  cells.license_id = id;
  cells.seats_billed = billedSeats;
  cells.seats_purchased = purchased;
  cells.seats_used = observed(stored, 'tenant') ? stored!.seats_used : purchased;
  cells.cost_per_seat = cost;
  cells.total_cost = null;
  cells.vendor ??= stored?.vendor ?? null;
  fillFrom(cells, keptFrom(stored));
  cells.sources = withSource(stored?.sources, 'billed');
  return null;
}

function missingCost(product: string): string {
  const partNumber = partNumberOf(product);
  const named = partNumber ? `${product} (${partNumber})` : product;
  return (
    `no monthly cost per seat for ${named}: this export has no prices. Pass a price list with a row for it ` +
    '(CLI --price-list prices.csv with columns product,cost_per_seat; HTTP prices=SPE_E3=36.00;SPB=22.00), ' +
    "or import the vendor's file for this client first (Partner Center, Pax8)"
  );
}
