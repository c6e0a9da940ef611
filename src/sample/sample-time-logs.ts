import { usersInMonth, type SampleClient } from './client-portfolio.js';
import { formatCents, formatQuarterHours } from './decimal-text.js';
import type { HistoryWindow } from './history-window.js';
import { formatIsoDate, isWeekend, type CalendarMonth, type EpochDay } from './sample-calendar.js';
import { SeededRandom } from './seeded-random.js';
import { StaffAssignment, type WorkType } from './staff-assignment.js';
import type { SampleStaffMember } from './staff-roster.js';

export interface SampleTimeLog {
  logId: string;
  clientIndex: number;
  staffIndex: number;
  day: EpochDay;
  /** Whole quarter-hours, 1–40 (0.25 h – 10 h). */
  quarters: number;
  billable: boolean;
  work: WorkType;
}

export interface SampleTimeLogs {
  logs: SampleTimeLog[];
  /** Billable project work per client and month, in cents: what the project invoices charge. */
  projectBillingCents: Map<string, number>;
}

/** Key of `projectBillingCents`. */
export function clientMonthKey(clientIndex: number, monthIndex: number): string {
  return `${clientIndex}:${monthIndex}`;
}

/**
 * Ticket durations in quarter-hours and how common they are: most tickets are short,
 * a few are half- or full-day outages. Mean ≈ 1.2 h.
 */
export const ticketDurations = {
  quarters: [1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 24, 32],
  weights: [15, 22, 12, 18, 6, 9, 8, 3, 4, 2, 0.7, 0.3],
} as const;
const PROJECT_QUARTERS = [4, 8, 12, 16, 24, 32];
const PROJECT_WEIGHTS = [10, 25, 15, 20, 15, 15];
/** Share of tickets logged on a weekend (after-hours emergencies). */
const WEEKEND_SHARE = 0.03;

/**
 * Time entries month by month and client by client: managed-service tickets sized by the
 * client's headcount and hours-per-user, project work, and regular business reviews.
 */
export function buildSampleTimeLogs(
  seed: number,
  clients: readonly SampleClient[],
  staff: readonly SampleStaffMember[],
  window: HistoryWindow,
): SampleTimeLogs {
  const rng = new SeededRandom(seed, 'time-logs');
  const assignment = new StaffAssignment(staff);
  const logs: SampleTimeLog[] = [];
  const projectBillingCents = new Map<string, number>();

  clients.forEach((client, clientIndex) => {
    const projectMonths = planProjects(client, window, rng);
    // Business reviews: quarterly, twice a year for small offices.
    const reviewEvery = client.users < 15 ? 6 : 3;
    const reviewPhase = rng.int(0, reviewEvery - 1);
    for (const month of window.months) {
      const days = serviceDays(client, month, window);
      if (days.weekdays.length === 0) continue;
      const add = (work: WorkType, quarters: number, billable: boolean) => {
        const useWeekend = days.weekends.length > 0 && rng.chance(work === 'managed' ? WEEKEND_SHARE : 0.01);
        const day = rng.pick(useWeekend ? days.weekends : days.weekdays);
        const staffIndex = assignment.pick(work, rng);
        logs.push({ logId: '', clientIndex, staffIndex, day, quarters, billable, work });
        if (work === 'project' && billable) {
          const key = clientMonthKey(clientIndex, month.index);
          // Billing rates are whole dollars, so quarters × rate / 4 is whole cents.
          const cents = (quarters * (staff[staffIndex]?.billingRateCents ?? 0)) / 4;
          projectBillingCents.set(key, (projectBillingCents.get(key) ?? 0) + cents);
        }
      };

      // Busy months and quiet months; now and then an incident doubles the load.
      const season = rng.between(0.85, 1.15) * (rng.chance(0.05) ? 1.6 : 1);
      const users = usersInMonth(client, month.index, window.months.length);
      const targetQuarters = Math.round(users * client.managedHoursPerUser * season * days.fractionOfMonth * 4);
      for (let logged = 0; logged < targetQuarters;) {
        const quarters = ticketDurations.quarters[rng.weightedIndex(ticketDurations.weights)] ?? 4;
        add('managed', quarters, rng.chance(client.managedBillableShare));
        logged += quarters;
      }

      const projectQuarters = projectMonths.get(month.index) ?? 0;
      for (let logged = 0; logged < projectQuarters;) {
        const quarters = PROJECT_QUARTERS[rng.weightedIndex(PROJECT_WEIGHTS)] ?? 8;
        add('project', quarters, rng.chance(client.projectBillableShare));
        logged += quarters;
      }

      if (month.index % reviewEvery === reviewPhase) add('vcio', rng.int(6, 12), true);
    }
  });

  // A PSA export is in date order.
  logs.sort((x, y) => x.day - y.day || x.clientIndex - y.clientIndex || x.staffIndex - y.staffIndex);
  logs.forEach((log, i) => {
    log.logId = `TL-${String(i + 1).padStart(6, '0')}`;
  });
  return { logs, projectBillingCents };
}

/** Project hours (in quarters) per month index: a new client's onboarding, then a few projects a year. */
function planProjects(client: SampleClient, window: HistoryWindow, rng: SeededRandom): Map<number, number> {
  const months = window.months.filter((m) => m.lastDay >= client.onboardedOn && m.firstDay <= client.serviceEndsOn);
  const plan = new Map<number, number>();
  if (months.length === 0) return plan;
  const addProject = (startAt: number, durationMonths: number, hours: number) => {
    const span = months.slice(startAt, startAt + durationMonths);
    for (const m of span) {
      plan.set(m.index, (plan.get(m.index) ?? 0) + Math.round((hours * 4) / span.length));
    }
  };

  if (client.onboardedOn >= window.startDay) addProject(0, 2, client.users * rng.between(1.2, 1.8));
  const expected = (client.projectsPerYear * months.length) / 12;
  const count = Math.floor(expected) + (rng.chance(expected % 1) ? 1 : 0);
  for (let i = 0; i < count; i++) {
    // Sized to the office: a 10-seat firm's server refresh is not a 100-seat one's.
    addProject(rng.int(0, months.length - 1), rng.int(1, 3), 6 + client.users * rng.between(0.6, 2));
  }
  return plan;
}

interface ServiceDays {
  weekdays: EpochDay[];
  weekends: EpochDay[];
  /** Share of the month the client was under contract. */
  fractionOfMonth: number;
}

function serviceDays(client: SampleClient, month: CalendarMonth, window: HistoryWindow): ServiceDays {
  const from = Math.max(month.firstDay, client.onboardedOn);
  const to = Math.min(month.lastDay, client.serviceEndsOn, window.endDay);
  const weekdays: EpochDay[] = [];
  const weekends: EpochDay[] = [];
  for (let day = from; day <= to; day++) (isWeekend(day) ? weekends : weekdays).push(day);
  const fractionOfMonth = Math.max(0, to - from + 1) / (month.lastDay - month.firstDay + 1);
  return { weekdays, weekends, fractionOfMonth };
}

export function timeLogCsvRow(log: SampleTimeLog, clients: readonly SampleClient[], staff: readonly SampleStaffMember[]): string[] {
  const member = staff[log.staffIndex];
  return [
    log.logId,
    clients[log.clientIndex]?.clientId ?? '',
    member?.staffName ?? '',
    formatIsoDate(log.day),
    formatQuarterHours(log.quarters),
    formatCents(member?.billingRateCents ?? 0),
    log.billable ? 'true' : 'false',
  ];
}
