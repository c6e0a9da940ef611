import { createPersonNamer } from './person-names.js';
import { SeededRandom } from './seeded-random.js';

export type StaffRole = 'Service Desk' | 'Engineer' | 'Senior Engineer' | 'Project Engineer' | 'vCIO';

export interface SampleStaffMember {
  staffName: string;
  role: StaffRole;
  /** Burdened internal cost per hour, in cents; null for the one member without a rate. */
  costRateCents: number | null;
  weeklyCapacityHours: number;
  /** What a billable hour of this person is charged at, in whole-dollar cents. */
  billingRateCents: number;
  /** How busy this person tends to be relative to colleagues of the same role (0.75–1.25). */
  workloadFactor: number;
}

interface RoleEconomics {
  costRateCents: readonly [number, number];
  billingRateCents: number;
}

// Burdened cost = wage + taxes + benefits + tools; billing rates are typical US MSP list rates.
// Billing rates are whole dollars so quarter-hour amounts stay whole cents (100 / 4 = 25).
const ROLE_ECONOMICS: Record<StaffRole, RoleEconomics> = {
  'Service Desk': { costRateCents: [3500, 4400], billingRateCents: 9500 },
  Engineer: { costRateCents: [4800, 6000], billingRateCents: 13500 },
  'Senior Engineer': { costRateCents: [6400, 7800], billingRateCents: 16500 },
  'Project Engineer': { costRateCents: [5800, 7000], billingRateCents: 15000 },
  vCIO: { costRateCents: [8500, 9500], billingRateCents: 19500 },
};

// The shape of a 15-person MSP team, repeated for bigger rosters: most people on the
// service desk and as engineers, a few seniors and project engineers, one vCIO.
const ROLE_PATTERN: readonly StaffRole[] = [
  'Service Desk',
  'Engineer',
  'Service Desk',
  'Senior Engineer',
  'Engineer',
  'Project Engineer',
  'vCIO',
  'Service Desk',
  'Engineer',
  'Senior Engineer',
  'Service Desk',
  'Engineer',
  'Project Engineer',
  'Service Desk',
  'Senior Engineer',
];

const PART_TIME_HOURS = [20, 24, 25, 30] as const;

/**
 * The staff of the sample MSP. It depends only on (seed, count), so the big benchmark
 * time-log file can name exactly the staff that `writeSampleMsp` writes.
 *
 * Exactly one member has no cost rate (a new contractor whose rate is not in the payroll
 * export yet): it exercises the default-cost-rate assumption of `labor_cost`.
 */
export function buildStaffRoster(seed: number, count: number): SampleStaffMember[] {
  const rng = new SeededRandom(seed, 'staff');
  const nextName = createPersonNamer(rng);
  const roster: SampleStaffMember[] = [];
  for (let i = 0; i < count; i++) {
    const role = ROLE_PATTERN[i % ROLE_PATTERN.length] as StaffRole;
    const economics = ROLE_ECONOMICS[role];
    roster.push({
      staffName: nextName(),
      role,
      costRateCents: rng.int(economics.costRateCents[0], economics.costRateCents[1]),
      weeklyCapacityHours: 40,
      billingRateCents: economics.billingRateCents,
      workloadFactor: rng.between(0.75, 1.25),
    });
  }

  // "A couple" of part-timers among the service desk and engineers (2 of 15).
  const partTimeCount = count >= 4 ? Math.max(1, Math.round((count * 2) / 15)) : 0;
  const partTimeCandidates = rng.shuffled(roster.filter((m) => m.role === 'Service Desk' || m.role === 'Engineer'));
  for (const member of partTimeCandidates.slice(0, partTimeCount)) {
    member.weeklyCapacityHours = rng.pick(PART_TIME_HOURS);
  }

  if (roster.length > 0) {
    const notVcio = roster.filter((m) => m.role !== 'vCIO');
    rng.pick(notVcio.length > 0 ? notVcio : roster).costRateCents = null;
  }
  return roster;
}
