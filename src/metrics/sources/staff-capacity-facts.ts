import { daysIn, monthsOf, quarterLabel, type Period } from '../period.js';
import type { SourceContext, SourceRow } from './source-context.js';
import { timeLogFacts } from './time-log-facts.js';

/**
 * Capacity for staff utilization: weekly_capacity_hours × days(P) / 7 (milli-hours), for
 * every staff member in the staff list plus anyone who logged time without being in it
 * (who gets the default 40 h week). Grouped by month or quarter, each part of the period
 * gets the capacity of its own days, so "utilization by month" divides each month's billable
 * hours by that month's capacity.
 */
export async function staffCapacityFacts(context: SourceContext): Promise<SourceRow[]> {
  let staff = context.db.selectFrom('staff').select(['staff_key', 'staff_name', 'weekly_capacity_hours']);
  if (context.filters.staff)
    staff = staff.where(
      'staff_key',
      'in',
      context.filters.staff.map((n) => n.trim().toLowerCase()),
    );
  const listed = await staff.execute();
  const loggers = await timeLogFacts({ ...context, groupBy: ['staff'], filters: context.filters.staff ? { staff: context.filters.staff } : {} });
  const known = new Set(listed.map((s) => s.staff_key));
  const unlisted = loggers
    .map((row) => ({ staff_key: row.dims.staff!, staff_name: row.labels.staff_name ?? row.dims.staff! }))
    .filter((s) => !known.has(s.staff_key));
  const days = daysIn(context.period);
  const all = [
    ...listed.map((s) => ({ key: s.staff_key, name: s.staff_name, weekly: Number(s.weekly_capacity_hours) })),
    ...unlisted.map((s) => ({ key: s.staff_key, name: s.staff_name, weekly: 40 })),
  ];
  const byStaff = context.groupBy.includes('staff');
  const split = context.groupBy.includes('month') ? 'month' : context.groupBy.includes('quarter') ? 'quarter' : null;
  if (!split) {
    return all.map((s) => ({
      dims: byStaff ? { staff: s.key } : {},
      labels: byStaff ? { staff_name: s.name } : {},
      sums: { capacity_milli: Math.round((s.weekly * 1000 * days) / 7), staff_count: 1 },
    }));
  }
  const parts = new Map<string, number>();
  for (const { index, label } of monthsOf(context.period)) {
    const key = split === 'month' ? label : quarterLabel(index);
    parts.set(key, (parts.get(key) ?? 0) + daysIn(clip(context.period, label)));
  }
  // Someone missing from the staff list counts only in the parts they logged time in, as for a period of its own.
  const loggedParts = new Set(
    (await timeLogFacts({ ...context, groupBy: ['staff', split], filters: context.filters.staff ? { staff: context.filters.staff } : {} })).map(
      (row) => `${row.dims.staff}|${row.dims[split]}`,
    ),
  );
  return all.flatMap((s) =>
    [...parts]
      .filter(([part]) => known.has(s.key) || loggedParts.has(`${s.key}|${part}`))
      .map(([part, partDays]) => ({
        dims: { ...(byStaff ? { staff: s.key } : {}), [split]: part },
        labels: byStaff ? { staff_name: s.name } : {},
        sums: { capacity_milli: Math.round((s.weekly * 1000 * partDays) / 7), staff_count: 1 },
      })),
  );
}

/** The days of month `YYYY-MM` that lie inside the period. */
function clip(period: Period, month: string): Period {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const first = `${month}-01`;
  const last = `${month}-${String(new Date(Date.UTC(year, m, 0)).getUTCDate()).padStart(2, '0')}`;
  return { from: period.from > first ? period.from : first, to: period.to < last ? period.to : last };
}
