import { HOURS_DECIMALS, MONEY_DECIMALS, PERCENT_DECIMALS, roundHalfAwayFromZero } from './rounding.js';

/**
 * Numbers as text, the way the CLI (and, later, reports) print them: en-US grouping and
 * decimal point, the configured currency's symbol, one ASCII minus before the symbol
 * (-$164.97, -€164.97, -CHF 164.97), two decimals for money, percentages and hours, and
 * nouns that agree with their count. Values are rounded with the one rule of rounding.ts
 * first, so the text and the API's number always agree and a value that rounds to zero is
 * never printed with a minus.
 */
export interface DisplayFormat {
  /** ISO 4217 code (config `display.currency`). */
  readonly currency: string;
  /** `-$1,234.57`; `—` for null (undefined, e.g. no revenue). */
  money(value: number | null): string;
  /** `-65.00 %`; `—` for null. */
  percent(value: number | null): string;
  /** `12,345.50 h`. */
  hours(value: number): string;
  /** `12,345.50`: grouped, two decimals, no unit. */
  decimal(value: number | null): string;
}

/** Shown for a value that does not exist (a margin without revenue), never `NaN` or `null`. */
export const NO_VALUE = '—';

/**
 * The display format for a currency. Money always has two decimals, also for currencies
 * whose Intl default differs (JPY 0, KWD 3): the data holds whole cents, and the CLI must
 * print the same number the API returns.
 */
export function displayFormat(currency = 'USD'): DisplayFormat {
  // Building the Intl formats costs more than formatting with them (every answer asks for one).
  let format = formats.get(currency);
  if (!format) {
    format = buildDisplayFormat(currency);
    formats.set(currency, format);
  }
  return format;
}

/** One per currency: a handful at most (config `display.currency`). */
const formats = new Map<string, DisplayFormat>();

function buildDisplayFormat(currency: string): DisplayFormat {
  const moneyFormat = new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
    minimumFractionDigits: MONEY_DECIMALS,
    maximumFractionDigits: MONEY_DECIMALS,
  });
  const fixed = (digits: number) => new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const percentFormat = fixed(PERCENT_DECIMALS);
  const hoursFormat = fixed(HOURS_DECIMALS);
  return {
    currency,
    // Intl puts a no-break space after a code-like symbol (CHF 12.00); terminals and grep want a plain one.
    money: (value) => (value === null ? NO_VALUE : moneyFormat.format(roundHalfAwayFromZero(value, MONEY_DECIMALS)).replaceAll('\u00a0', ' ')),
    percent: (value) => (value === null ? NO_VALUE : `${percentFormat.format(roundHalfAwayFromZero(value, PERCENT_DECIMALS))} %`),
    hours: (value) => `${hoursFormat.format(roundHalfAwayFromZero(value, HOURS_DECIMALS))} h`,
    decimal: (value) => (value === null ? NO_VALUE : hoursFormat.format(roundHalfAwayFromZero(value, HOURS_DECIMALS))),
  };
}

/**
 * `count` and the noun agreeing with it, the count grouped: `1 client`, `2 clients`,
 * `1,204 rows`, `0 errors`. `plural` for nouns that do not just take an s (`1 entry`, `2 entries`).
 */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : plural}`;
}
