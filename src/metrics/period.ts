/** Calendar arithmetic on ISO dates (`YYYY-MM-DD`), in UTC, for the metric dictionary. */

export interface Period {
  from: string;
  to: string;
}

/** True for a day that exists, written `YYYY-MM-DD` (2025-02-29 and 2025-13-01 are false). */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Year × 12 + month − 1: consecutive months are consecutive integers. */
export function monthIndex(date: string): number {
  return Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
}

export function monthLabel(index: number): string {
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** DESIGN section 4: months(P) = calendar months P touches (Jan 15 – Mar 2 → 3). */
export function monthsTouched(period: Period): number {
  return monthIndex(period.to) - monthIndex(period.from) + 1;
}

/** Days in P, both ends included. */
export function daysIn(period: Period): number {
  return Math.round((Date.parse(`${period.to}T00:00:00Z`) - Date.parse(`${period.from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** The months P touches, as indexes and `YYYY-MM` labels. */
export function monthsOf(period: Period): Array<{ index: number; label: string }> {
  const out: Array<{ index: number; label: string }> = [];
  for (let i = monthIndex(period.from); i <= monthIndex(period.to); i++) out.push({ index: i, label: monthLabel(i) });
  return out;
}

export function quarterLabel(monthIdx: number): string {
  return `${Math.floor(monthIdx / 12)}-Q${Math.floor((monthIdx % 12) / 3) + 1}`;
}
