import { usersInMonth, type SampleClient } from './client-portfolio.js';
import { formatCents } from './decimal-text.js';
import type { HistoryWindow } from './history-window.js';
import { formatIsoDate, type EpochDay } from './sample-calendar.js';
import { SeededRandom } from './seeded-random.js';
import { clientMonthKey } from './sample-time-logs.js';

export type InvoiceStatus = 'paid' | 'pending' | 'overdue' | 'void' | 'draft';

export interface SampleInvoice {
  invoiceId: string;
  clientIndex: number;
  date: EpochDay;
  dueDate: EpochDay;
  amountCents: number;
  status: InvoiceStatus;
  kind: 'recurring' | 'project' | 'hardware' | 'credit-note';
}

const KIND_ORDER: Record<SampleInvoice['kind'], number> = { recurring: 0, project: 1, hardware: 2, 'credit-note': 3 };

/**
 * The invoices: each month a recurring invoice on the 1st (headcount × per-user price +
 * site fee, billed in advance) and, when there was billable project work, a project
 * invoice on the last day (billed in arrears). Then the exceptions a real ledger has:
 * a few invoices voided and reissued, SLA credit notes (negative), unsent drafts.
 * Statuses follow each client's payment habit, seen from the as-of date (window end).
 */
export function buildSampleInvoices(
  seed: number,
  clients: readonly SampleClient[],
  window: HistoryWindow,
  projectBillingCents: ReadonlyMap<string, number>,
): SampleInvoice[] {
  const rng = new SeededRandom(seed, 'invoices');
  const asOf = window.endDay;
  const lastMonth = window.months.length - 1;
  const invoices: SampleInvoice[] = [];
  const issue = (clientIndex: number, kind: SampleInvoice['kind'], date: EpochDay, amountCents: number): SampleInvoice => {
    const client = clients[clientIndex] as SampleClient;
    const invoice: SampleInvoice = {
      invoiceId: '',
      clientIndex,
      date,
      dueDate: kind === 'credit-note' ? date : date + client.paymentTermsDays,
      amountCents,
      status: kind === 'credit-note' ? 'paid' : paymentStatus(client, date, date + client.paymentTermsDays, asOf, rng),
      kind,
    };
    invoices.push(invoice);
    return invoice;
  };

  clients.forEach((client, clientIndex) => {
    for (const month of window.months) {
      if (month.lastDay < client.onboardedOn || month.firstDay > client.serviceEndsOn) continue;
      const users = usersInMonth(client, month.index, window.months.length) + (rng.chance(0.15) ? rng.int(-1, 1) : 0);
      const recurringDate = Math.max(month.firstDay, client.onboardedOn);
      issue(clientIndex, 'recurring', recurringDate, Math.max(1, users) * client.perUserPriceCents + client.siteFeeCents);

      const projectCents = projectBillingCents.get(clientMonthKey(clientIndex, month.index)) ?? 0;
      if (projectCents > 0) {
        const project = issue(clientIndex, 'project', Math.min(month.lastDay, client.serviceEndsOn, asOf), projectCents);
        if (month.index === lastMonth && window.months.length > 1 && projectInvoiceIsDraft(seed, client.clientId)) {
          project.status = 'draft';
        }
      }
    }
  });

  const serving = (clientIndex: number) => (clients[clientIndex]?.serviceEndsOn ?? 0) >= asOf;
  const recurring = invoices.filter((i) => i.kind === 'recurring');

  // Voided and reissued: the first invoice had the wrong headcount.
  const older = recurring.filter((i) => i.date < asOf - 60);
  for (const wrong of rng.shuffled(older).slice(0, Math.min(3, Math.ceil(clients.length / 12)))) {
    const client = clients[wrong.clientIndex] as SampleClient;
    issue(wrong.clientIndex, 'recurring', wrong.date + rng.int(2, 5), wrong.amountCents);
    wrong.amountCents += client.perUserPriceCents * rng.int(2, 6);
    wrong.status = 'void';
  }

  // SLA credits after an outage: 10 % of the monthly fee, applied to the account at once.
  const creditable = recurring.filter((i) => i.status !== 'void' && i.date < asOf - 30 && serving(i.clientIndex));
  for (const credited of rng.shuffled(creditable).slice(0, Math.max(2, Math.round(clients.length / 15)))) {
    const tenPercent = Math.round(credited.amountCents / 1000) * 100;
    issue(credited.clientIndex, 'credit-note', credited.date + rng.int(10, 20), -Math.max(10000, tenPercent));
  }

  // Hardware quotes typed up as invoices but not sent yet.
  const current = recurring.filter((i) => i.date >= (window.months[lastMonth]?.firstDay ?? asOf));
  for (const base of rng.shuffled(current).slice(0, 2)) {
    const hardware = issue(base.clientIndex, 'hardware', Math.min(asOf, base.date + rng.int(5, 25)), rng.int(12, 90) * 10000 + 5000);
    hardware.status = 'draft';
  }

  invoices.sort((x, y) => x.date - y.date || KIND_ORDER[x.kind] - KIND_ORDER[y.kind] || x.clientIndex - y.clientIndex);
  let invoiceNumber = 0;
  let creditNumber = 0;
  for (const invoice of invoices) {
    invoice.invoiceId = invoice.kind === 'credit-note' ? `CN-${String(++creditNumber).padStart(4, '0')}` : `INV-${String(++invoiceNumber).padStart(6, '0')}`;
  }
  return invoices;
}

/**
 * Whether the client's project invoice of the last month is still a draft (about a third
 * are, being reviewed before they go out). Decided apart from the invoice stream because
 * pricing needs to know it before invoices exist.
 */
export function projectInvoiceIsDraft(seed: number, clientId: string): boolean {
  return new SeededRandom(seed, `draft-project/${clientId}`).chance(0.35);
}

/** Paid once the client's usual payment delay has passed; otherwise overdue past the due date, else pending. */
function paymentStatus(client: SampleClient, date: EpochDay, dueDate: EpochDay, asOf: EpochDay, rng: SeededRandom): InvoiceStatus {
  const delay = client.paymentDays <= 2 ? client.paymentDays : client.paymentDays + rng.int(-5, 8);
  if (date + delay <= asOf) return 'paid';
  return dueDate < asOf ? 'overdue' : 'pending';
}

export function invoiceCsvRow(invoice: SampleInvoice, clients: readonly SampleClient[]): string[] {
  return [
    invoice.invoiceId,
    clients[invoice.clientIndex]?.clientId ?? '',
    formatIsoDate(invoice.date),
    formatIsoDate(invoice.dueDate),
    formatCents(invoice.amountCents),
    invoice.status,
    'USD',
  ];
}
