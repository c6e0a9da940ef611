import type { SeededRandom } from './seeded-random.js';
import type { SampleStaffMember, StaffRole } from './staff-roster.js';

export type WorkType = 'managed' | 'project' | 'vcio';

// Who does which work: tickets go to the service desk and engineers, projects to project
// and senior engineers (the vCIO scopes them), business reviews to the vCIO.
const ROLE_MIX: Record<WorkType, Partial<Record<StaffRole, number>>> = {
  managed: { 'Service Desk': 0.5, Engineer: 0.38, 'Senior Engineer': 0.12 },
  project: { 'Project Engineer': 0.6, 'Senior Engineer': 0.27, vCIO: 0.08, Engineer: 0.05 },
  vcio: { vCIO: 1, 'Senior Engineer': 0.05 },
};

/**
 * Picks the staff member for a piece of work: by role mix, then within a role by capacity
 * (part-timers log less) and by each person's workload factor, so utilization varies from
 * under-used to burnout risk. Falls back to anyone when a roster lacks a role.
 */
export class StaffAssignment {
  private readonly cumulative: Record<WorkType, Float64Array>;

  constructor(private readonly staff: readonly SampleStaffMember[]) {
    if (staff.length === 0) throw new RangeError('a staff roster needs at least one member');
    this.cumulative = {
      managed: this.weightsFor('managed'),
      project: this.weightsFor('project'),
      vcio: this.weightsFor('vcio'),
    };
  }

  /** The probability of each roster member getting a piece of `work`. */
  shares(work: WorkType): number[] {
    const cumulative = this.cumulative[work];
    const total = cumulative[cumulative.length - 1] ?? 1;
    return Array.from(cumulative, (c, i) => (c - (i > 0 ? (cumulative[i - 1] ?? 0) : 0)) / total);
  }

  /** Index into the roster. */
  pick(work: WorkType, rng: SeededRandom): number {
    const cumulative = this.cumulative[work];
    const r = rng.next() * (cumulative[cumulative.length - 1] ?? 0);
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 0) > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private weightsFor(work: WorkType): Float64Array {
    const mix = ROLE_MIX[work];
    const roleCapacity = new Map<StaffRole, number>();
    for (const m of this.staff) {
      roleCapacity.set(m.role, (roleCapacity.get(m.role) ?? 0) + m.weeklyCapacityHours * m.workloadFactor);
    }
    const share = (m: SampleStaffMember) => m.weeklyCapacityHours * m.workloadFactor;
    let weights = this.staff.map((m) => ((mix[m.role] ?? 0) * share(m)) / (roleCapacity.get(m.role) ?? 1));
    if (!weights.some((w) => w > 0)) weights = this.staff.map(share);
    const cumulative = new Float64Array(weights.length);
    let total = 0;
    weights.forEach((w, i) => {
      total += w;
      cumulative[i] = total;
    });
    return cumulative;
  }
}
