import { createCompanyNamer, INDUSTRIES, type Industry } from './company-names.js';
import type { HistoryWindow } from './history-window.js';
import type { EpochDay } from './sample-calendar.js';
import { SeededRandom } from './seeded-random.js';

export type ClientStatus = 'active' | 'inactive' | 'churned';

/** The profitability each client is designed to have (DESIGN.md §4 bands). */
export type MarginDesign = 'healthy' | 'thin' | 'losing';

/** A client of the sample MSP together with the economics its rows are generated from. */
export interface SampleClient {
  clientId: string;
  clientName: string;
  industry: Industry;
  status: ClientStatus;
  onboardedOn: EpochDay;
  churnedOn: EpochDay | null;
  /** Last day the MSP works for (and invoices) the client. */
  serviceEndsOn: EpochDay;
  design: MarginDesign;
  /** Why a losing client loses money; empty for the others. */
  story: string;
  /** Seats / users at the start of the window and now; invoices follow the headcount. */
  usersAtStart: number;
  users: number;
  /**
   * Monthly price per user. Starts as a price-list figure; `priceToTargetMargins` then
   * re-prices healthy and thin clients so their margin lands in the designed band.
   */
  perUserPriceCents: number;
  /** Flat monthly fee for servers, firewalls and sites on top of the per-user price. */
  siteFeeCents: number;
  /** Gross margin this client is designed to reach (0.45 = 45 %); null keeps the list price (losing clients). */
  targetMargin: number | null;
  /** Managed-service (ticket) hours per user per month. */
  managedHoursPerUser: number;
  managedBillableShare: number;
  projectBillableShare: number;
  projectsPerYear: number;
  /** Mean days from invoice to payment (2 = card/ACH autopay). */
  paymentDays: number;
  paymentTermsDays: number;
  /** License waste designed into this client, if any. */
  licenseWaste: 'none' | 'over-bought-suite' | 'unused-add-on';
}

interface LosingArchetype {
  industry: Industry;
  story: string;
  priceCents: readonly [number, number];
  hoursPerUser: readonly [number, number];
  projectBillableShare: number;
  licenseWaste: SampleClient['licenseWaste'];
}

/**
 * Clients that clearly lose money: revenue per user far below labour plus license cost.
 * Industry-average managed-services gross margin is about 46 %; these run well below 0.
 */
const LOSING_ARCHETYPES: readonly LosingArchetype[] = [
  {
    industry: 'Healthcare',
    story: 'legacy flat fee (about $62/user) from years ago, and an EHR that raises tickets daily',
    priceCents: [6000, 6500],
    hoursPerUser: [1.7, 1.9],
    projectBillableShare: 0.9,
    licenseWaste: 'none',
  },
  {
    industry: 'Manufacturing',
    story: 'aging on-prem servers and shop-floor PCs under a fixed fee; project overruns written off',
    priceCents: [6800, 7400],
    hoursPerUser: [1.6, 1.8],
    projectBillableShare: 0.45,
    licenseWaste: 'none',
  },
  {
    industry: 'Non-profit',
    story: 'charity discount (about $55/user) plus grant-funded Business Premium seats nobody uses',
    priceCents: [5200, 5800],
    hoursPerUser: [1.3, 1.5],
    projectBillableShare: 0.8,
    licenseWaste: 'over-bought-suite',
  },
  {
    industry: 'Construction',
    story: 'per-user fee that ignores job-site trailers and field tablets; unused Acrobat seats',
    priceCents: [6500, 7000],
    hoursPerUser: [1.7, 2.0],
    projectBillableShare: 0.85,
    licenseWaste: 'unused-add-on',
  },
];

// Compliance-heavy industries pay more per user.
const PREMIUM_INDUSTRIES: ReadonlySet<Industry> = new Set(['Healthcare', 'Legal', 'Accounting']);
const INDUSTRY_WEIGHTS: Record<Industry, number> = {
  Healthcare: 14,
  Legal: 11,
  Manufacturing: 12,
  Construction: 10,
  Accounting: 11,
  'Non-profit': 9,
  Retail: 8,
  Education: 7,
  Logistics: 8,
  'Real Estate': 10,
};
const INDUSTRY_WEIGHT_LIST = INDUSTRIES.map((industry) => INDUSTRY_WEIGHTS[industry]);

interface ClientPlan {
  design: MarginDesign;
  archetype: LosingArchetype | null;
  lifecycle: 'established' | 'new' | 'churned' | 'inactive';
}

/**
 * The client portfolio: mostly healthy clients, several thin-margin ones, 3–6 losing ones
 * (one per archetype, cycling), a few churned/inactive, a couple onboarded during the window.
 * Ids are given in onboarding order, as a PSA would.
 */
export function buildClientPortfolio(seed: number, count: number, window: HistoryWindow): SampleClient[] {
  const rng = new SeededRandom(seed, 'clients');
  const plans = rng.shuffled(planPortfolio(count, window.months.length));
  const drafts = plans.map((plan) => draftClient(plan, window, rng));
  drafts.sort((x, y) => x.onboardedOn - y.onboardedOn);

  const nextName = createCompanyNamer(rng);
  return drafts.map((client, i) => ({
    ...client,
    clientId: clientIdFor(i + 1),
    clientName: nextName(client.industry),
  }));
}

/** `C0001`, …, `C9999`, `C10000`, … */
export function clientIdFor(n: number): string {
  return `C${String(n).padStart(4, '0')}`;
}

function planPortfolio(count: number, monthCount: number): ClientPlan[] {
  const losing = count >= 10 ? Math.max(3, Math.round(count / 10)) : Math.floor(count / 3);
  const thin = Math.round(count * 0.15);
  const churned = Math.round(count * 0.05);
  const inactive = Math.round(count * 0.025);
  // Clients onboarded inside the window need room for a few months of history.
  const fresh = monthCount >= 8 ? Math.round(count * 0.05) : 0;

  const plans: ClientPlan[] = [];
  for (let i = 0; i < count; i++) {
    if (i < losing) {
      plans.push({ design: 'losing', archetype: LOSING_ARCHETYPES[i % LOSING_ARCHETYPES.length] ?? null, lifecycle: 'established' });
      continue;
    }
    const j = i - losing;
    const design: MarginDesign = j < thin ? 'thin' : 'healthy';
    // Churned, inactive and new clients come from the healthy slots at the end: the license
    // snapshot only lists current clients, so a churned "thin" client would not look thin.
    const fromEnd = count - 1 - i;
    const lifecycle: ClientPlan['lifecycle'] =
      fromEnd < churned ? 'churned' : fromEnd < churned + inactive ? 'inactive' : fromEnd < churned + inactive + fresh ? 'new' : 'established';
    plans.push({ design, archetype: null, lifecycle });
  }
  return plans;
}

type ClientDraft = Omit<SampleClient, 'clientId' | 'clientName'>;

function draftClient(plan: ClientPlan, window: HistoryWindow, rng: SeededRandom): ClientDraft {
  const { months, startDay, endDay } = window;
  const archetype = plan.archetype;
  const industry = archetype ? archetype.industry : (INDUSTRIES[rng.weightedIndex(INDUSTRY_WEIGHT_LIST)] as Industry);

  // Log-uniform headcount, 10–130: many small offices, a few 100-seat firms.
  const users = archetype ? rng.int(25, 60) : Math.round(Math.exp(rng.between(Math.log(10), Math.log(130))));
  const usersAtStart = Math.max(3, Math.round(users * rng.between(0.85, 1.05)));

  let perUserPriceCents: number;
  let managedHoursPerUser: number;
  let targetMargin: number | null;
  if (archetype) {
    perUserPriceCents = rng.int(archetype.priceCents[0], archetype.priceCents[1]);
    managedHoursPerUser = rng.between(archetype.hoursPerUser[0], archetype.hoursPerUser[1]);
    targetMargin = null;
  } else if (plan.design === 'thin') {
    perUserPriceCents = rng.int(9500, 10500);
    managedHoursPerUser = rng.between(1.0, 1.15);
    targetMargin = rng.between(0.06, 0.17);
  } else {
    perUserPriceCents = PREMIUM_INDUSTRIES.has(industry) ? rng.int(14000, 16500) : rng.int(11500, 14000);
    managedHoursPerUser = rng.between(0.6, 0.95);
    targetMargin = rng.between(0.36, 0.58);
  }
  // Whole-dollar prices, as on a real price sheet.
  perUserPriceCents = Math.round(perUserPriceCents / 100) * 100;
  const siteFeeCents = users >= 20 && !archetype ? rng.pick([0, 15000, 25000, 40000]) : 0;

  const yearsBefore = archetype ? rng.between(4, 9) : rng.between(0.1, 9);
  let onboardedOn = startDay - Math.round(yearsBefore * 365);
  let churnedOn: EpochDay | null = null;
  let serviceEndsOn = endDay;
  let status: ClientStatus = 'active';
  const lastIndex = months.length - 1;
  if (plan.lifecycle === 'new') {
    // Early in the window: licenses have no start date, so the metric layer charges a
    // license line for the whole period; a late newcomer would look like a loss.
    const month = months[rng.int(1, 3)] ?? months[0];
    if (month) onboardedOn = month.firstDay + rng.int(0, 20);
  } else if (plan.lifecycle === 'churned') {
    const month = months[rng.int(Math.ceil(months.length * 0.35), Math.max(1, lastIndex - 2))] ?? months[lastIndex];
    if (month) {
      churnedOn = Math.min(endDay, month.firstDay + rng.int(4, 27));
      serviceEndsOn = churnedOn - 1;
      status = 'churned';
    }
  } else if (plan.lifecycle === 'inactive') {
    // Agreement lapsed and not renewed, but the client was never formally off-boarded.
    const month = months[Math.max(0, lastIndex - rng.int(2, 3))];
    if (month) {
      serviceEndsOn = month.lastDay;
      status = 'inactive';
    }
  }

  const endUsers = status === 'active' ? users : Math.round((users + usersAtStart) / 2);
  const paymentRoll = rng.next();
  const slowPayerShare = plan.design === 'losing' ? 0.6 : 0.25;
  const paymentDays = paymentRoll < 0.25 ? 2 : paymentRoll < 1 - slowPayerShare ? rng.int(18, 32) : rng.int(40, 70);

  return {
    industry,
    status,
    onboardedOn,
    churnedOn,
    serviceEndsOn,
    design: plan.design,
    story: archetype ? archetype.story : '',
    usersAtStart,
    users: endUsers,
    perUserPriceCents,
    siteFeeCents,
    targetMargin,
    managedHoursPerUser,
    managedBillableShare: plan.design === 'losing' ? rng.between(0.6, 0.7) : rng.between(0.8, 0.92),
    projectBillableShare: archetype ? archetype.projectBillableShare : rng.between(0.9, 1),
    projectsPerYear: plan.design === 'healthy' ? rng.between(1, 3) : rng.between(0.8, 1.6),
    paymentDays,
    paymentTermsDays: rng.chance(0.8) ? 30 : 15,
    licenseWaste: archetype ? archetype.licenseWaste : 'none',
  };
}

/** The monthly recurring fee as of the last invoice (contract_value). */
export function contractValueCents(client: SampleClient): number {
  return client.users * client.perUserPriceCents + client.siteFeeCents;
}

/** Headcount billed in a month: a straight line from the start headcount to today's. */
export function usersInMonth(client: SampleClient, monthIndex: number, monthCount: number): number {
  if (monthCount <= 1) return client.users;
  return Math.round(client.usersAtStart + ((client.users - client.usersAtStart) * monthIndex) / (monthCount - 1));
}
