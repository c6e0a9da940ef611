import { z } from 'zod';

/**
 * Zod schemas for one CSV cell each: a raw string in, a typed value (or a clear reason) out.
 * Exports from PSA and accounting tools disagree on formats, so each type accepts the
 * spellings real exports use and rejects everything else with a reason a person can act on.
 */

/** What `3/11/2025` means: month first (US), day first (most of the world), or neither (year-first dates only). */
export type DateOrder = 'mdy' | 'dmy' | 'ymd';

// A time of day after a date is allowed and dropped (exports of timestamps): `T09:30`, ` 9:30:15 PM`, `T10:00:00.000Z`.
const timeOfDay = String.raw`(?:[T ](?:[01]?\d|2[0-3])(?::[0-5]\d(?::[0-5]\d(?:[.,]\d+)?)?)?(?: ?[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)?`;
/** `2025-03-31`, `2025/3/31`, `2025.03.31`, each optionally with a time. */
const yearFirstDate = new RegExp(String.raw`^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})${timeOfDay}$`);
/** `3/11/2025`, `13.11.2025`, `13-11-2025`, optionally with a time: day and month in an order the file must tell. */
const dayMonthDate = new RegExp(String.raw`^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})${timeOfDay}$`);

/**
 * A month written as a word, before or after the day, with the year last: `1 Mar 2025`,
 * `01-Mar-2025`, `1 March 2025`, `Mar 1, 2025`, `March 1st 2025` (Xero and QuickBooks
 * reports, spreadsheets formatted "d-mmm-yyyy"). English month names and their three-letter
 * (or `Sept`) abbreviations; the word says which number is the month, so no order is needed.
 */
const namedMonthDate = new RegExp(
  String.raw`^(?:(\d{1,2})(?:st|nd|rd|th)?[ \-/.]+([A-Za-z]{3,9})\.?|([A-Za-z]{3,9})\.?[ \-/.]+(\d{1,2})(?:st|nd|rd|th)?,?)[ \-/.,]+(\d{4})${timeOfDay}$`,
);

const monthNumbers: ReadonlyMap<string, number> = new Map(
  ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'].flatMap(
    (name, index): Array<[string, number]> => [
      [name, index + 1],
      [name.slice(0, 3), index + 1],
      ...(name === 'september' ? ([['sept', 9]] as Array<[string, number]>) : []),
    ],
  ),
);

/** A written date split into its numbers, before the day/month order is known. */
export interface WrittenDate {
  /**
   * True when the date says which number is the month: `2025-03-31` (year first) or
   * `31 Mar 2025` (a named month); first = month, second = day. False for `31/03/2025`,
   * where which is which depends on the column's order.
   */
  yearFirst: boolean;
  year: number;
  first: number;
  second: number;
}

/** Splits a written date (year-first, day/month/year with `-`, `/` or `.`, or a named month); null if it is not written like one. */
export function splitWrittenDate(raw: string): WrittenDate | null {
  let match = yearFirstDate.exec(raw);
  if (match) return { yearFirst: true, year: Number(match[1]), first: Number(match[3]), second: Number(match[4]) };
  match = dayMonthDate.exec(raw);
  if (match) return { yearFirst: false, year: Number(match[4]), first: Number(match[1]), second: Number(match[3]) };
  match = namedMonthDate.exec(raw);
  if (match) {
    // An unknown word (`1 Foo 2025`) is not a date; a known month with an impossible day is one, refused by calendarDate.
    const month = monthNumbers.get((match[2] ?? match[3]!).toLowerCase());
    if (month === undefined) return null;
    return { yearFirst: true, year: Number(match[5]), first: month, second: Number(match[1] ?? match[4]) };
  }
  return null;
}

/** `YYYY-MM-DD` for a real calendar day between 1900 and 2200; null otherwise. */
export function calendarDate(year: number, month: number, day: number): string | null {
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The fast path for the common `YYYY-MM-DD`: the date itself (a real day), null (digits but
 * no such day), or undefined when the text is not ten digits in that shape.
 */
export function isoDay(raw: string): string | null | undefined {
  if (raw.length !== 10 || raw.charCodeAt(4) !== 45 || raw.charCodeAt(7) !== 45) return undefined;
  const y = digits(raw, 0, 4);
  const m = digits(raw, 5, 7);
  const d = digits(raw, 8, 10);
  if (y < 0 || m < 0 || d < 0) return undefined;
  return y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m) ? raw : null;
}

/**
 * Parses a written date into ISO: `2025-03-31`, `2025-03-31T10:00:00Z`, `2025-03-31 09:30`,
 * `2025/3/31`, and day/month/year (`3/11/2025`, `3.11.2025`) in the given order (default
 * month first, as before orders existed; `ymd` refuses them). Null if not a real date.
 * Imports read dates per column instead (date-columns.ts), where the order comes from the file.
 */
export function parseDate(raw: string, order: DateOrder = 'mdy'): string | null {
  const fast = isoDay(raw);
  if (fast !== undefined) return fast;
  const written = splitWrittenDate(raw);
  if (!written) return null;
  if (written.yearFirst) return calendarDate(written.year, written.first, written.second);
  if (order === 'ymd') return null;
  const [month, day] = order === 'dmy' ? [written.second, written.first] : [written.first, written.second];
  return calendarDate(written.year, month, day);
}

/**
 * Excel's serial day numbers (days since 1899-12-30; a fraction is the time of day) that a
 * date column may hold when it was saved as "General". Only this range counts: 20000 is
 * 1954-10-03 and 80000 is 2119-01-11, well around any MSP's data, so ids and amounts that
 * happen to be numbers are not read as dates.
 */
export const excelSerialRange = { min: 20000, max: 80000 } as const;

const serialNumber = /^(\d{1,6})(?:\.\d+)?$/;

/** The whole day number of a cell written as a plain number (`45747`, `45747.375`); null if it is not one. */
export function serialDayNumber(raw: string): number | null {
  const match = serialNumber.exec(raw);
  return match ? Number(match[1]) : null;
}

const excelEpochMs = Date.UTC(1899, 11, 30);

/**
 * The ISO date of an Excel serial day. Counting from 1899-12-30 rather than 1900-01-01
 * absorbs Excel's fictitious 1900-02-29 (serial 60): every serial from 61 on, and so the
 * whole accepted range, gives the date Excel shows.
 */
export function excelSerialDate(serial: number): string {
  return new Date(excelEpochMs + serial * 86_400_000).toISOString().slice(0, 10);
}

/** The number written by the ASCII digits in [from, to), or -1 if any is not a digit. */
function digits(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return monthDays[month - 1]!;
}

/**
 * `-12`, `95`, `1.25` (an optional minus, 1 to 15 digits, an optional point and digits) —
 * most cells of most exports — read character by character: the regular expression it
 * replaces took about a tenth of a large import's parsing time. Returns `undefined` for
 * anything else, which the general path reads.
 */
function plainScaledDecimal(raw: string, scale: number): number | null | undefined {
  const length = raw.length;
  let i = 0;
  const negative = length > 0 && raw.charCodeAt(0) === 45; // '-'
  if (negative) i = 1;
  const wholeStart = i;
  let whole = 0;
  for (; i < length; i++) {
    const digit = raw.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) break;
    whole = whole * 10 + digit;
  }
  const wholeDigits = i - wholeStart;
  if (wholeDigits < 1 || wholeDigits > 15) return undefined;
  let units = whole * 10 ** scale;
  if (i < length) {
    if (raw.charCodeAt(i) !== 46) return undefined; // '.'
    let fraction = 0;
    let digits = 0;
    let roundUp = false;
    for (i += 1; i < length; i++, digits++) {
      const digit = raw.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) return undefined;
      if (digits < scale) fraction = fraction * 10 + digit;
      else if (digits === scale) roundUp = digit >= 5; // half away from zero: only the first dropped digit counts
    }
    units += fraction * 10 ** (scale - Math.min(digits, scale)) + (roundUp ? 1 : 0);
  }
  if (!Number.isSafeInteger(units)) return null;
  return negative ? -units : units;
}

/** The decimal mark of a file: `.` (1,234.50) or `,` (1.234,50). */
export type DecimalMark = '.' | ',';

/** Currency symbols and codes a money cell may carry: stripped before the number is read. */
const currencyMarks = /[\s$€£¥]|^[A-Z]{3}|[A-Z]{3}$/g;

/** The number part of a money cell: currency marks, spaces, parentheses and sign removed. */
function numberCore(raw: string): string {
  return raw.replace(currencyMarks, '').replace(/^[(+-]+|\)$/g, '');
}

/**
 * What one written number says about its file's decimal mark: `.` or `,` when it can only
 * be read one way (`1,234.50`, `12,5`, `0.250`, `1.234.567`), `ambiguous` for a single
 * separator followed by exactly three digits (`1,234`, `1.234`: a thousand or one point
 * two), null when it has no separator.
 */
export function decimalEvidence(raw: string): DecimalMark | 'ambiguous' | null {
  const text = numberCore(raw);
  const lastComma = text.lastIndexOf(',');
  const lastDot = text.lastIndexOf('.');
  if (lastComma >= 0 && lastDot >= 0) return lastComma > lastDot ? ',' : '.';
  const at = lastComma >= 0 ? lastComma : lastDot;
  if (at < 0) return null;
  const mark: DecimalMark = lastComma >= 0 ? ',' : '.';
  if (text.indexOf(mark) !== at) {
    // Repeated, it groups thousands (`1.234.567`), if the groups say so; `1.2.3` is no number.
    const groups = text.split(mark);
    return /^\d{1,3}$/.test(groups[0]!) && groups.slice(1).every((g) => /^\d{3}$/.test(g)) ? (mark === ',' ? '.' : ',') : null;
  }
  const whole = text.slice(0, at);
  if (text.length - at - 1 !== 3 || whole === '' || /^0+$/.test(whole)) return mark;
  return 'ambiguous';
}

/**
 * Parses a decimal as written in exports: `1234.5`, `1,234.50`, `$1,234.50`, `(12.00)` for a
 * negative, `-12`, and decimal commas (`12,5`, `1.234,56`, `1.234.567`). A number that reads
 * both ways (`1,234`, `1.234`: see `decimalEvidence`) follows `mark`, the file's decimal
 * mark (default `.`: `1,234` is a thousand, `1.234` one point two). Returns the value scaled
 * to an integer number of `1/10^scale` units, rounded half away from zero; null if unreadable.
 */
export function parseScaledDecimal(raw: string, scale: number, mark: DecimalMark = '.'): number | null {
  if (mark === '.') {
    const plain = plainScaledDecimal(raw, scale);
    if (plain !== undefined) return plain;
  }
  let text = raw.replace(/[\s$€£¥]/g, '');
  if (/^[A-Z]{3}/.test(text)) text = text.slice(3);
  if (/[A-Z]{3}$/.test(text)) text = text.slice(0, -3);
  let negative = false;
  if (text.startsWith('(') && text.endsWith(')')) {
    negative = true;
    text = text.slice(1, -1);
  }
  if (text.startsWith('-')) {
    negative = !negative;
    text = text.slice(1);
  } else if (text.startsWith('+')) {
    text = text.slice(1);
  }
  const evidence = decimalEvidence(text);
  const decimal = evidence === 'ambiguous' ? mark : evidence;
  if (decimal === ',') text = text.replaceAll('.', '').replace(',', '.');
  else if (decimal === '.') text = text.replaceAll(',', '');
  if (!/^\d+(\.\d*)?$|^\.\d+$/.test(text)) return null;
  const [whole = '0', fraction = ''] = text.split('.');
  const padded = (fraction + '0'.repeat(scale + 1)).slice(0, scale + 1);
  let units = Number(whole || '0') * 10 ** scale + Number(padded.slice(0, scale) || '0');
  if (Number(padded[scale]) >= 5) units += 1;
  if (!Number.isSafeInteger(units)) return null;
  return negative ? -units : units;
}

/** The currency a money cell is marked with (`$`, `€`, `EUR`), or null for a bare number. */
export function currencyMark(raw: string): string | null {
  const match = /[$€£¥]|^[A-Z]{3}(?=[\s\d(+-])|(?<=[\d\s)])[A-Z]{3}$/.exec(raw.trim());
  return match ? match[0] : null;
}

/**
 * How an import reads the numbers of one file: `scaled` parses a cell (in the file's decimal
 * mark, once known), `money` also notes a money cell's currency mark. The default reads as
 * single cells always did (decimal point, no notes); an import uses `NumberConvention`.
 */
export interface NumberReader {
  scaled(raw: string, scale: number): number | null;
  money(raw: string): void;
}

const pointDecimals: NumberReader = { scaled: (raw, scale) => parseScaledDecimal(raw, scale), money: () => {} };

/**
 * Number fields' schemas → how to make the same schema over another reader: an import swaps
 * each for one bound to its file's `NumberConvention` (as it swaps date fields' readers).
 */
export const numberFieldSchemas = new Map<z.ZodType<unknown, string>, (reader: NumberReader) => z.ZodType<unknown, string>>();

type Ctx = z.core.$RefinementCtx<string>;

function fail(ctx: Ctx, message: string): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

/** Trimmed text; empty means null. */
export const optionalText = z.string().transform((raw) => {
  const value = raw.trim();
  return value === '' ? null : value;
});

export const requiredText = z.string().transform((raw, ctx) => {
  const value = raw.trim();
  return value === '' ? fail(ctx, 'is required') : value;
});

/** Reads one non-empty, trimmed date cell: the ISO date, or why it is not one. */
export interface DateCellReader {
  read(value: string): string | { problem: string };
}

/** A date cell read by `reader`; empty is null (or "is required"). */
export function dateCell(reader: DateCellReader, options: { required: boolean }) {
  return z.string().transform((raw, ctx) => {
    const value = raw.trim();
    if (value === '') return options.required ? fail(ctx, 'is required') : null;
    const read = reader.read(value);
    return typeof read === 'string' ? read : fail(ctx, read.problem);
  });
}

/** Month-first, as dates were read before the order was chosen per column; imports swap it for their own reader. */
const monthFirstDates: DateCellReader = {
  read: (value) => parseDate(value) ?? { problem: 'is not a date (use YYYY-MM-DD or M/D/YYYY)' },
};

export const optionalDate = dateCell(monthFirstDates, { required: false });
export const requiredDate = dateCell(monthFirstDates, { required: true });

/**
 * The schemas dataset definitions use for date fields. An import replaces each with a reader
 * of its own column (date-columns.ts), which knows the column's day/month order.
 */
export const dateFieldSchemas: ReadonlyMap<z.ZodType<unknown, string>, { required: boolean }> = new Map<z.ZodType<unknown, string>, { required: boolean }>([
  [optionalDate, { required: false }],
  [requiredDate, { required: true }],
]);

/** Money in integer cents; negative allowed (credit notes). */
export function money(options: { required: boolean; min?: number }) {
  const over = (reader: NumberReader) =>
    z.string().transform((raw, ctx) => {
      const value = raw.trim();
      if (value === '') return options.required ? fail(ctx, 'is required') : null;
      reader.money(value);
      const cents = reader.scaled(value, 2);
      if (cents === null) return fail(ctx, 'is not an amount of money');
      if (options.min !== undefined && cents < options.min * 100) return fail(ctx, `must be at least ${options.min}`);
      return cents;
    });
  const schema = over(pointDecimals);
  numberFieldSchemas.set(schema, over);
  return schema;
}

function workHoursOver(reader: NumberReader) {
  return z.string().transform((raw, ctx) => {
    const value = raw.trim();
    if (value === '') return fail(ctx, 'is required');
    let milli: number | null;
    const clock = /^(\d{1,2}):([0-5]\d)$/.exec(value);
    if (clock) {
      milli = Number(clock[1]) * 1000 + Math.round((Number(clock[2]) * 1000) / 60);
    } else {
      milli = reader.scaled(value, 3);
    }
    if (milli === null) return fail(ctx, 'is not a number of hours');
    if (milli < 0) return fail(ctx, 'must not be negative');
    if (milli > 24_000) return fail(ctx, 'must be at most 24 (one day)');
    return milli;
  });
}

/** Hours as integer milli-hours, 0 to 24 (PSAs export 0-hour entries: a logged call, a ticket touched). Also accepts `h:mm`. */
export const workHours = workHoursOver(pointDecimals);
numberFieldSchemas.set(workHours, workHoursOver);

export function count(options: { required: boolean }) {
  return z.string().transform((raw, ctx) => {
    const value = raw.trim().replaceAll(',', '');
    if (value === '') return options.required ? fail(ctx, 'is required') : null;
    if (!/^-?\d+(\.0+)?$/.test(value)) return fail(ctx, 'must be a whole number');
    const n = Number.parseInt(value, 10);
    if (n < 0) return fail(ctx, 'must not be negative');
    if (!Number.isSafeInteger(n)) return fail(ctx, 'is too large');
    return n;
  });
}

export const positiveNumber = (fallback: number) =>
  z.string().transform((raw, ctx) => {
    const value = raw.trim();
    if (value === '') return fallback;
    const n = Number(value.replace(',', '.'));
    if (!Number.isFinite(n) || n <= 0) return fail(ctx, 'must be a positive number');
    if (n > 168) return fail(ctx, 'must be at most 168 (hours in a week)');
    return n;
  });

const truthy = new Set(['true', 't', 'yes', 'y', '1', 'b', 'billable']);
const falsy = new Set(['false', 'f', 'no', 'n', '0', 'nb', 'nc', 'non-billable', 'nonbillable', 'no charge']);

/** Billable flag: true/false, yes/no, 1/0, Y/N, and ConnectWise `B` / `NB` (non-billable) / `NC` (no charge). */
export function billableFlag(options: { inverted: boolean; fallback: boolean }) {
  return z.string().transform((raw, ctx) => {
    const value = raw.trim().toLowerCase();
    if (value === '') return options.fallback ? 1 : 0;
    let flag: boolean;
    if (truthy.has(value)) flag = true;
    else if (falsy.has(value)) flag = false;
    else return fail(ctx, 'is not a yes/no value (true/false, yes/no, 1/0, Y/N, B/NB/NC)');
    return (options.inverted ? !flag : flag) ? 1 : 0;
  });
}

/** An enumerated value with synonyms, matched case-insensitively. */
export function choice<T extends string>(allowed: Record<string, T>, options: { fallback: T | null; label: string }) {
  return z.string().transform((raw, ctx) => {
    const value = raw.trim().toLowerCase();
    if (value === '') return options.fallback ?? fail(ctx, 'is required');
    const mapped = allowed[value];
    if (mapped === undefined) return fail(ctx, `is not a known ${options.label} (${[...new Set(Object.values(allowed))].join(', ')})`);
    return mapped;
  });
}
