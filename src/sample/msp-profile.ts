import { MmError } from '../errors.js';
import { buildClientPortfolio, type SampleClient } from './client-portfolio.js';
import { historyWindow, type HistoryWindow } from './history-window.js';
import { parseIsoDate } from './sample-calendar.js';
import { buildStaffRoster, type SampleStaffMember } from './staff-roster.js';

export interface SampleMspOptions {
  /** Default 20240501. The same options always give byte-identical files. */
  seed?: number;
  /** Default 40. */
  clients?: number;
  /** Default 15. */
  staff?: number;
  /** Months of history, default 14. */
  months?: number;
  /** Last day of data and the month of the last invoice, `YYYY-MM-DD`; default `'2025-10-31'`. */
  endDate?: string;
}

export const sampleMspDefaults = {
  seed: 20240501,
  clients: 40,
  staff: 15,
  months: 14,
  endDate: '2025-10-31',
} as const satisfies Required<SampleMspOptions>;

/** The sample MSP before it is written out: its history window, staff and clients. */
export interface MspProfile {
  seed: number;
  window: HistoryWindow;
  staff: SampleStaffMember[];
  clients: SampleClient[];
}

export function buildMspProfile(options: SampleMspOptions = {}): MspProfile {
  const seed = checkInteger('seed', options.seed ?? sampleMspDefaults.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const clientCount = checkInteger('clients', options.clients ?? sampleMspDefaults.clients, 1, 1_000_000);
  const staffCount = checkInteger('staff', options.staff ?? sampleMspDefaults.staff, 1, 10_000);
  const months = checkInteger('months', options.months ?? sampleMspDefaults.months, 1, 240);
  const endDate = options.endDate ?? sampleMspDefaults.endDate;
  const endDay = parseIsoDate(endDate);
  if (endDay === null) throw new MmError('MM_USAGE', `endDate must be a YYYY-MM-DD date, got "${endDate}"`);

  const window = historyWindow(endDay, months);
  return {
    seed,
    window,
    staff: buildStaffRoster(seed, staffCount),
    clients: buildClientPortfolio(seed, clientCount, window),
  };
}

export function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new MmError('MM_USAGE', `${name} must be a whole number from ${min} to ${max}, got ${value}`);
  }
  return value;
}
