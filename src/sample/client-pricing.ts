import { usersInMonth, type SampleClient } from './client-portfolio.js';
import type { HistoryWindow } from './history-window.js';
import { projectInvoiceIsDraft } from './sample-invoices.js';
import type { SampleLicense } from './sample-licenses.js';
import type { SampleTimeLog } from './sample-time-logs.js';
import type { SampleStaffMember } from './staff-roster.js';

/** `analytics.default_cost_rate`: what the metric layer charges for staff without a cost rate. */
const DEFAULT_COST_RATE_CENTS = 4500;
/** Per-user prices an MSP price sheet would plausibly show, by design. */
const PRICE_RANGE_CENTS: Record<'healthy' | 'thin', readonly [number, number]> = {
  healthy: [9500, 26000],
  thin: [8000, 14000],
};

/**
 * Re-prices every client that has a target margin so that, measured the way the metric
 * layer measures it over the whole window (revenue − labour at cost rate − license
 * snapshot × months), its gross margin lands near the target. Without this, the random
 * hours and license mix of small clients scatter "thin" clients into losses and the
 * designed losing clients would not be the only ones.
 *
 * Recurring revenue needed = cost / (1 − margin) − project revenue (drafts excluded); the per-user price is
 * that over the user-months invoiced, rounded to whole dollars like a real price sheet.
 */
export function priceToTargetMargins(
  seed: number,
  clients: readonly SampleClient[],
  staff: readonly SampleStaffMember[],
  logs: readonly SampleTimeLog[],
  licenses: readonly SampleLicense[],
  projectBillingCents: ReadonlyMap<string, number>,
  window: HistoryWindow,
): SampleClient[] {
  const costCents = new Array<number>(clients.length).fill(0);
  const projectCents = new Array<number>(clients.length).fill(0);
  const add = (totals: number[], i: number, cents: number) => {
    totals[i] = (totals[i] ?? 0) + cents;
  };
  for (const log of logs) {
    add(costCents, log.clientIndex, (log.quarters * (staff[log.staffIndex]?.costRateCents ?? DEFAULT_COST_RATE_CENTS)) / 4);
  }
  const indexById = new Map(clients.map((c, i) => [c.clientId, i]));
  for (const license of licenses) {
    const i = indexById.get(license.clientId);
    if (i !== undefined) add(costCents, i, license.seatsPurchased * license.costPerSeatCents * window.months.length);
  }
  // A draft invoice is not revenue: the last month's project invoice may still be one.
  const lastMonth = window.months.length - 1;
  for (const [key, cents] of projectBillingCents) {
    const [clientIndex, monthIndex] = key.split(':').map(Number);
    if (clientIndex === undefined) continue;
    const clientId = clients[clientIndex]?.clientId ?? '';
    if (monthIndex === lastMonth && lastMonth > 0 && projectInvoiceIsDraft(seed, clientId)) continue;
    add(projectCents, clientIndex, cents);
  }

  return clients.map((client, i) => {
    if (client.targetMargin === null) return client;
    let userMonths = 0;
    let servedMonths = 0;
    for (const month of window.months) {
      if (month.lastDay < client.onboardedOn || month.firstDay > client.serviceEndsOn) continue;
      userMonths += usersInMonth(client, month.index, window.months.length);
      servedMonths += 1;
    }
    if (userMonths === 0) return client;
    const recurringNeeded = (costCents[i] ?? 0) / (1 - client.targetMargin) - (projectCents[i] ?? 0);
    const perUser = (recurringNeeded - client.siteFeeCents * servedMonths) / userMonths;
    const [min, max] = PRICE_RANGE_CENTS[client.design === 'thin' ? 'thin' : 'healthy'];
    const perUserPriceCents = Math.min(max, Math.max(min, Math.round(perUser / 100) * 100));
    return { ...client, perUserPriceCents };
  });
}
