import { monthsEnding, type CalendarMonth, type EpochDay } from './sample-calendar.js';

/** The months of sample history: `months` calendar months ending with the month of `endDay`. */
export interface HistoryWindow {
  months: CalendarMonth[];
  /** First day of the first month. */
  startDay: EpochDay;
  /** The last day with data; also the as-of date for invoice statuses. */
  endDay: EpochDay;
}

export function historyWindow(endDay: EpochDay, monthCount: number): HistoryWindow {
  const months = monthsEnding(endDay, monthCount);
  const first = months[0];
  if (!first) throw new RangeError('a history window needs at least one month');
  return { months, startDay: first.firstDay, endDay };
}
