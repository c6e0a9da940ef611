import type { RowProblem } from '../datasets/dataset-definition.js';
import type { PresetRowContext } from './import-preset.js';
import { billingMonths, completeVendorPosition } from './license-positions.js';

/**
 * A vendor's charge lines (Partner Center: new, renew, cycleCharge, addQuantity,
 * removeQuantity, cancelImmediate, prorations; Pax8: one line per subscription) folded into
 * seats per subscription, then into one position per client and product.
 *
 * Per subscription, the latest billing period wins: a full charge (new, renew, cycleCharge,
 * a legacy "Cycle fee" or "Renew fee", a Pax8 line) with a later charge start than the one
 * kept replaces it — its quantity is the subscription's seats then. Seats added or removed
 * (addQuantity, removeQuantity) from that period's start on are added or taken off; a cancel
 * from then on leaves no seat. Lines of earlier periods are history. Credits, discounts and
 * usage lines carry money, not seats, and are left out. The position's seats are the sum
 * over its subscriptions; its cost per seat is their monthly unit prices weighted by seats
 * (a unit price billed annually counts a twelfth, triennially a thirty-sixth).
 */
interface Subscription {
  /** Charge start of the full charge kept (ISO; '' when the file gives none). */
  period: string;
  seats: number;
  /** Seats added minus removed since `period`. */
  change: number;
  /** Charge start of a cancel since `period` ('' when undated). */
  cancelled: string | null;
  /** Monthly unit cost and sell price, in cents. */
  cost: number | null;
  sell: number | null;
  start: string | null;
  end: string | null;
}

type ChargeKind = 'full' | 'add' | 'remove' | 'cancel' | 'money';

function chargeKind(chargeType: unknown): ChargeKind {
  const type = typeof chargeType === 'string' ? chargeType.toLowerCase().replace(/[\s_-]+/g, '') : '';
  if (/cancel|refund/.test(type)) return 'cancel';
  if (/removequantity|reducequantity|decrease/.test(type)) return 'remove';
  if (/addquantity|increase/.test(type)) return 'add';
  if (/credit|discount|usage|adjustment|tax/.test(type)) return 'money';
  return 'full';
}

const SUBSCRIPTIONS = '_subscriptions';

function monthly(cents: unknown, billing: unknown): number | null {
  if (typeof cents !== 'number') return null;
  return Math.round(Math.abs(cents) / billingMonths(typeof billing === 'string' ? billing : null));
}

function subscriptionsOf(group: Record<string, unknown>): Map<string, Subscription> {
  let subscriptions = group[SUBSCRIPTIONS] as Map<string, Subscription> | undefined;
  if (!subscriptions) {
    // The group is its first line's cells: that line is folded in like every later one.
    subscriptions = new Map();
    foldLine(subscriptions, { ...group });
    group[SUBSCRIPTIONS] = subscriptions;
  }
  return subscriptions;
}

function foldLine(subscriptions: Map<string, Subscription>, line: Record<string, unknown>): void {
  const kind = chargeKind(line._charge_type);
  if (kind === 'money') return;
  const key = typeof line._subscription === 'string' ? line._subscription : `line ${subscriptions.size + 1}`;
  const at = typeof line._charge_start === 'string' ? line._charge_start : '';
  const seats = Math.abs((line._quantity as number | undefined) ?? 0);
  const cost = monthly(line._unit_cost, line._billing);
  const sell = monthly(line._unit_sell, line._billing);
  let kept = subscriptions.get(key);
  if (kind === 'full') {
    if (!kept || at > kept.period) {
      const dates = { start: (line._subscription_start as string | null) ?? null, end: (line._subscription_end as string | null) ?? null };
      subscriptions.set(key, { period: at, seats, change: 0, cancelled: null, cost, sell, ...dates });
    } else if (at === kept.period) {
      kept.seats = Math.max(kept.seats, seats);
      kept.cost ??= cost;
      kept.sell ??= sell;
    }
    return;
  }
  if (!kept) {
    // A change whose period's full charge is not in the file (an earlier invoice).
    kept = { period: '', seats: 0, change: 0, cancelled: null, cost, sell, start: null, end: null };
    subscriptions.set(key, kept);
  }
  if (at < kept.period) return;
  if (kind === 'add') kept.change += seats;
  else if (kind === 'remove') kept.change -= seats;
  else kept.cancelled = at;
  kept.cost ??= cost;
  kept.sell ??= sell;
}

/** `LineItemGrouping.merge` of the vendor presets. */
export function mergeVendorLine(group: Record<string, unknown>, line: Record<string, unknown>): void {
  foldLine(subscriptionsOf(group), line);
}

const isoDate = (value: string | null): value is string => value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value);

/** `ImportPreset.complete` of a vendor preset: the position's seats, cost, sell price and dates; `vendor` when the file names none. */
export function completeVendorLines(defaultVendor: string | null) {
  return (cells: Record<string, unknown>, context: PresetRowContext): RowProblem | null => {
    cells.vendor ??= defaultVendor;
    return completeLines(cells, context);
  };
}

function completeLines(cells: Record<string, unknown>, context: PresetRowContext): RowProblem | null {
  const subscriptions = [...subscriptionsOf(cells).values()];
  let seats = 0;
  let cost = 0;
  let sell = 0;
  let sellSeats = 0;
  for (const s of subscriptions) {
    const n = s.cancelled !== null ? 0 : Math.max(0, s.seats + s.change);
    seats += n;
    cost += n * (s.cost ?? 0);
    if (s.sell !== null) {
      sell += n * s.sell;
      sellSeats += n;
    }
  }
  const firstCost = subscriptions.find((s) => s.cost !== null)?.cost ?? null;
  if (firstCost === null) return { field: 'cost_per_seat', reason: 'no unit price on any line of this position' };
  const firstSell = subscriptions.find((s) => s.sell !== null)?.sell ?? null;
  const active = subscriptions.filter((s) => s.cancelled === null);
  const starts = subscriptions.map((s) => s.start).filter(isoDate);
  const ends = active.map((s) => s.end).filter(isoDate);
  const cancels = subscriptions.map((s) => s.cancelled).filter(isoDate);
  if (starts.length > 0) cells.start_date = starts.sort()[0];
  if (ends.length > 0) cells.renewal_date = ends.sort().at(-1);
  // Every subscription cancelled: the position ended with the last cancel.
  cells.end_date = active.length === 0 && cancels.length > 0 ? cancels.sort().at(-1) : null;
  if (firstSell !== null) cells.price_per_seat = sellSeats > 0 ? Math.round(sell / sellSeats) : firstSell;
  return completeVendorPosition(cells, context, seats, seats > 0 ? Math.round(cost / seats) : firstCost);
}
