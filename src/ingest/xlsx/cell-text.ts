/**
 * A worksheet cell as the text the CSV path would read, so a workbook imports exactly like
 * the same sheet saved as CSV: numbers as Excel shows them at full precision, dates as
 * ISO, booleans as true/false, a formula as its saved result, rich text and links as their
 * text, an error value as its text (so the row is refused with the value in the reason).
 */

/** The cell values exceljs's streaming reader produces (a subset of its `CellValue`). */
export type SheetCellValue =
  | null
  | undefined
  | number
  | string
  | boolean
  | Date
  | { richText: Array<{ text?: string | null }> }
  | { formula?: string; sharedFormula?: string; result?: unknown }
  | { error: string }
  | { text: unknown; hyperlink?: string };

/** What a formula whose saved result is an error becomes: exceljs keeps that it failed, not which error (#N/A, #DIV/0!, …). */
export const FORMULA_ERROR_TEXT = '#ERROR';

/** A formula saved without its result (written by a program that does not calculate): the caller refuses the file. */
export class FormulaWithoutResult {
  constructor(readonly formula: string) {}
}

/**
 * The text of one cell. `numFmt` is the cell's number format (a formula's date result is a
 * number with a date format); `date1904` is the workbook's date system.
 */
export function cellText(value: SheetCellValue, numFmt: string | undefined, date1904: boolean): string | FormulaWithoutResult {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return dateText(value, date1904);
  if ('richText' in value) return value.richText.map((run) => run.text ?? '').join('');
  if ('error' in value) return String(value.error);
  if ('formula' in value || 'sharedFormula' in value) {
    const result = value.result;
    if (result === undefined || result === null) return new FormulaWithoutResult(value.formula ?? value.sharedFormula ?? '');
    if (typeof result === 'number') {
      if (Number.isNaN(result)) return FORMULA_ERROR_TEXT;
      return isDateFormat(numFmt) ? dateText(serialToDate(result, date1904), date1904) : numberText(result);
    }
    return cellText(result as SheetCellValue, numFmt, date1904);
  }
  if ('text' in value) return cellText(value.text as SheetCellValue, numFmt, date1904);
  return '';
}

/** Excel shows at most 15 significant digits; the 16th and 17th of a stored double are binary noise (0.1+0.2 → 0.3). */
const EXCEL_DIGITS = 15;

/**
 * A number as plain decimal text: `1234.5`, `0.3`, `-12`, `0.00000015`; never an exponent,
 * which the CSV path does not read as a number.
 */
export function numberText(value: number): string {
  if (!Number.isFinite(value)) return '#NUM!';
  // Most cells: a short shortest-round-trip form has at most 15 digits and no exponent, so it is already the answer.
  const plain = String(value);
  if (plain.length <= EXCEL_DIGITS && !plain.includes('e')) return plain;
  const text = String(Number(value.toPrecision(EXCEL_DIGITS)));
  const exponent = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!exponent) return text;
  const [, sign, lead, rest = '', power] = exponent;
  const digits = `${lead}${rest}`;
  const point = 1 + Number(power);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  return `${sign}${digits.padEnd(point, '0')}${point < digits.length ? `.${digits.slice(point)}` : ''}`;
}

const DAY_MS = 86_400_000;
/** Serial day 0: 1899-12-30 (Excel's 1900 system, counting its fictitious 1900-02-29) or 1904-01-01. */
const EPOCH_1900_MS = Date.UTC(1899, 11, 30);
const EPOCH_1904_MS = Date.UTC(1904, 0, 1);

function serialToDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((date1904 ? EPOCH_1904_MS : EPOCH_1900_MS) + serial * DAY_MS));
}

/**
 * `2025-03-31` for a date; `2025-03-31 09:30` when it has a time of day (the CSV path reads
 * the date and drops the time); `1:30` for a time or duration alone (serial below 1), which
 * is how an hours column formatted `[h]:mm` reads in CSV and what the hours field accepts.
 */
export function dateText(date: Date, date1904: boolean): string {
  const ms = Math.round(date.getTime() / 1000) * 1000;
  const serialMs = ms - (date1904 ? EPOCH_1904_MS : EPOCH_1900_MS);
  if (serialMs >= 0 && serialMs < DAY_MS) return clockText(serialMs / 1000, false);
  const rounded = new Date(ms);
  const day = rounded.toISOString().slice(0, 10);
  const seconds = (ms - Date.UTC(rounded.getUTCFullYear(), rounded.getUTCMonth(), rounded.getUTCDate())) / 1000;
  return seconds === 0 ? day : `${day} ${clockText(seconds, true)}`;
}

function clockText(totalSeconds: number, padHours: boolean): string {
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const hh = padHours ? String(hours).padStart(2, '0') : String(hours);
  return `${hh}:${String(minutes).padStart(2, '0')}${seconds === 0 ? '' : `:${String(seconds).padStart(2, '0')}`}`;
}

/** The test exceljs applies to a cell's number format (utils.isDateFmt), for formula results it leaves as numbers. */
export function isDateFormat(numFmt: string | undefined): boolean {
  if (!numFmt) return false;
  const bare = numFmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '');
  return /[ymdhMsb]/.test(bare);
}
