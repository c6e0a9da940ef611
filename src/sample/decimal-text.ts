/**
 * Fixed-decimal text for money and hours. Amounts are carried as integer cents and hours
 * as integer quarter-hours, so no binary-float noise (0.30000000000000004) can reach a file.
 */

/** Integer cents → `1234.56` / `-250.00`. */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not a whole number of cents: ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const fraction = abs % 100;
  return `${sign}${(abs - fraction) / 100}.${fraction < 10 ? '0' : ''}${fraction}`;
}

const QUARTER_DECIMALS = ['00', '25', '50', '75'] as const;

/** Whole quarter-hours → `1.25`. */
export function formatQuarterHours(quarters: number): string {
  if (!Number.isSafeInteger(quarters) || quarters < 0) {
    throw new RangeError(`not a whole number of quarter-hours: ${quarters}`);
  }
  return `${quarters >> 2}.${QUARTER_DECIMALS[quarters & 3]}`;
}
