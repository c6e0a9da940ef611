import { z } from 'zod';

/**
 * Zod schemas for one CSV cell each: a raw string in, a typed value (or a clear reason) out.
 * Exports from PSA and accounting tools disagree on formats, so each type accepts the
 * spellings real exports use and rejects everything else with a reason a person can act on.
 */

const isoDate = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const usDate = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const slashIsoDate = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/;

/** Parses `2025-03-31`, `2025-03-31T10:00:00Z`, `2025/3/31` and US `3/31/2025` into ISO; null if not a real date. */
export function parseDate(raw: string): string | null {
  // Fast path for the common ISO form: no regex, no allocation beyond the result.
  if (raw.length === 10 && raw.charCodeAt(4) === 45 && raw.charCodeAt(7) === 45) {
    const y = digits(raw, 0, 4);
    const m = digits(raw, 5, 7);
    const d = digits(raw, 8, 10);
    if (y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m)) return raw;
    if (y >= 0 && m >= 0 && d >= 0) return null;
  }
  let y: number, m: number, d: number;
  let match = isoDate.exec(raw);
  if (match) {
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else if ((match = slashIsoDate.exec(raw))) {
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else if ((match = usDate.exec(raw))) {
    [m, d, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else {
    return null;
  }
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m)) return null;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
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

const plainDecimal = /^(-?)(\d{1,15})(?:\.(\d*))?$/;

/**
 * Parses a decimal as written in exports: `1234.5`, `1,234.50`, `$1,234.50`, `(12.00)` for a
 * negative, `-12`, and decimal commas (`12,5`, `1.234,56`). Returns the value scaled to an
 * integer number of `1/10^scale` units, rounded half away from zero; null if unreadable.
 */
export function parseScaledDecimal(raw: string, scale: number): number | null {
  const plain = plainDecimal.exec(raw);
  if (plain) {
    // Fast path: `-12`, `95`, `1.25` — most cells of most exports.
    const fraction = plain[3] ?? '';
    let units = Number(plain[2]) * 10 ** scale;
    if (fraction.length <= scale) {
      if (fraction.length > 0) units += Number(fraction) * 10 ** (scale - fraction.length);
    } else {
      units += Number(fraction.slice(0, scale));
      if (fraction.charCodeAt(scale) >= 53) units += 1;
    }
    if (!Number.isSafeInteger(units)) return null;
    return plain[1] ? -units : units;
  }
  let text = raw.replace(/[\s$€£¥]/g, '');
  if (/^[A-Z]{3}/.test(text)) text = text.slice(3);
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
  const lastComma = text.lastIndexOf(',');
  const lastDot = text.lastIndexOf('.');
  if (lastComma >= 0 && lastDot >= 0) {
    // Whichever separator comes last is the decimal point; the other groups thousands.
    text = lastComma > lastDot ? text.replaceAll('.', '').replace(',', '.') : text.replaceAll(',', '');
  } else if (lastComma >= 0) {
    const decimals = text.length - lastComma - 1;
    const single = text.indexOf(',') === lastComma;
    text = single && decimals !== 3 ? text.replace(',', '.') : text.replaceAll(',', '');
  }
  if (!/^\d+(\.\d*)?$|^\.\d+$/.test(text)) return null;
  const [whole = '0', fraction = ''] = text.split('.');
  const padded = (fraction + '0'.repeat(scale + 1)).slice(0, scale + 1);
  let units = Number(whole || '0') * 10 ** scale + Number(padded.slice(0, scale) || '0');
  if (Number(padded[scale]) >= 5) units += 1;
  if (!Number.isSafeInteger(units)) return null;
  return negative ? -units : units;
}

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

export const optionalDate = z.string().transform((raw, ctx) => {
  const value = raw.trim();
  if (value === '') return null;
  return parseDate(value) ?? fail(ctx, 'is not a date (use YYYY-MM-DD or M/D/YYYY)');
});

export const requiredDate = z.string().transform((raw, ctx) => {
  const value = raw.trim();
  if (value === '') return fail(ctx, 'is required');
  return parseDate(value) ?? fail(ctx, 'is not a date (use YYYY-MM-DD or M/D/YYYY)');
});

/** Money in integer cents; negative allowed (credit notes). */
export function money(options: { required: boolean; min?: number }) {
  return z.string().transform((raw, ctx) => {
    const value = raw.trim();
    if (value === '') return options.required ? fail(ctx, 'is required') : null;
    const cents = parseScaledDecimal(value, 2);
    if (cents === null) return fail(ctx, 'is not an amount of money');
    if (options.min !== undefined && cents < options.min * 100) return fail(ctx, `must be at least ${options.min}`);
    return cents;
  });
}

/** Hours as integer milli-hours, 0 to 24 (PSAs export 0-hour entries: a logged call, a ticket touched). Also accepts `h:mm`. */
export const workHours = z.string().transform((raw, ctx) => {
  const value = raw.trim();
  if (value === '') return fail(ctx, 'is required');
  let milli: number | null;
  const clock = /^(\d{1,2}):([0-5]\d)$/.exec(value);
  if (clock) {
    milli = Number(clock[1]) * 1000 + Math.round((Number(clock[2]) * 1000) / 60);
  } else {
    milli = parseScaledDecimal(value, 3);
  }
  if (milli === null) return fail(ctx, 'is not a number of hours');
  if (milli < 0) return fail(ctx, 'must not be negative');
  if (milli > 24_000) return fail(ctx, 'must be at most 24 (one day)');
  return milli;
});

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
