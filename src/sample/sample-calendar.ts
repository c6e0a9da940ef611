/**
 * Dates for sample data as whole days since 1970-01-01 (UTC), so date arithmetic is
 * integer arithmetic and never depends on the machine's time zone or clock.
 */

/** Days since 1970-01-01, UTC. */
export type EpochDay = number;

const MS_PER_DAY = 86_400_000;

/** Parses a strict `YYYY-MM-DD` calendar date; returns null for anything else (2025-02-30 too). */
export function parseIsoDate(text: string): EpochDay | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    return null;
  }
  return ms / MS_PER_DAY;
}

export function formatIsoDate(day: EpochDay): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function epochDay(year: number, month: number, day: number): EpochDay {
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function dayOfWeek(day: EpochDay): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function isWeekend(day: EpochDay): boolean {
  const dow = dayOfWeek(day);
  return dow === 0 || dow === 6;
}

export interface CalendarMonth {
  /** 0 for the first month of the history window. */
  index: number;
  year: number;
  /** 1–12 */
  month: number;
  firstDay: EpochDay;
  lastDay: EpochDay;
}

/** The `count` calendar months ending with the month that contains `endDay`, oldest first. */
export function monthsEnding(endDay: EpochDay, count: number): CalendarMonth[] {
  const end = new Date(endDay * MS_PER_DAY);
  const endMonthNumber = end.getUTCFullYear() * 12 + end.getUTCMonth();
  const months: CalendarMonth[] = [];
  for (let i = 0; i < count; i++) {
    const n = endMonthNumber - (count - 1) + i;
    const year = Math.floor(n / 12);
    const month = (n % 12) + 1;
    months.push({
      index: i,
      year,
      month,
      firstDay: epochDay(year, month, 1),
      lastDay: epochDay(year, month + 1, 1) - 1,
    });
  }
  return months;
}

/** The first day after `after` that falls on the same month-day as `anchor` (29 Feb → 28 Feb). */
export function nextAnniversary(anchor: EpochDay, after: EpochDay): EpochDay {
  const a = new Date(anchor * MS_PER_DAY);
  const startYear = new Date(after * MS_PER_DAY).getUTCFullYear();
  for (let year = startYear; ; year++) {
    const lastOfMonth = new Date(Date.UTC(year, a.getUTCMonth() + 1, 0)).getUTCDate();
    const candidate = epochDay(year, a.getUTCMonth() + 1, Math.min(a.getUTCDate(), lastOfMonth));
    if (candidate > after) return candidate;
  }
}
