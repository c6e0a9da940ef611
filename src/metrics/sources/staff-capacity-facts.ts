import { daysIn } from '../period.js';
import type { SourceContext, SourceRow } from './source-context.js';
import { timeLogFacts } from './time-log-facts.js';

/**
 * Capacity for staff utilization: weekly_capacity_hours × days(P) / 7 (milli-hours), for
 * every staff member in the staff list plus anyone who logged time without being in it
 * (who gets the default 40 h week).
 */
export async function staffCapacityFacts(context: SourceContext): Promise<SourceRow[]> {
  let staff = context.db.selectFrom('staff').select(['staff_key', 'staff_name', 'weekly_capacity_hours']);
  if (context.filters.staff) staff = staff.where('staff_key', 'in', context.filters.staff.map((n) => n.trim().toLowerCase()));
  const listed = await staff.execute();
  const loggers = await timeLogFacts({ ...context, groupBy: ['staff'], filters: context.filters.staff ? { staff: context.filters.staff } : {} });
  const known = new Set(listed.map((s) => s.staff_key));
  const unlisted = loggers
    .map((row) => ({ staff_key: row.dims.staff!, staff_name: row.labels.staff_name ?? row.dims.staff! }))
    .filter((s) => !known.has(s.staff_key));
  const days = daysIn(context.period);
  const all = [...listed.map((s) => ({ key: s.staff_key, name: s.staff_name, weekly: Number(s.weekly_capacity_hours) })), ...unlisted.map((s) => ({ key: s.staff_key, name: s.staff_name, weekly: 40 }))];
  return all.map((s) => ({
    dims: context.groupBy.includes('staff') ? { staff: s.key } : {},
    labels: context.groupBy.includes('staff') ? { staff_name: s.name } : {},
    sums: { capacity_milli: Math.round((s.weekly * 1000 * days) / 7), staff_count: 1 },
  }));
}
