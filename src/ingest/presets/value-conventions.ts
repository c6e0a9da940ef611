/**
 * Value conventions of vendor exports, rewritten into what the canonical fields read.
 * Each function takes a trimmed or untrimmed cell and returns a cell; a value it does not
 * know passes through unchanged, so the canonical field's own check names it in the error.
 */

/** `Acme Corp` → `acme corp`: the lookup key of the tables below. */
function key(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
}

const connectWiseBillable: Record<string, string> = {
  billable: 'yes',
  b: 'yes',
  // NoDefault: the entry takes its work type's default, which ConnectWise ships as billable.
  nodefault: 'yes',
  donotbill: 'no',
  nb: 'no',
  nocharge: 'no',
  nc: 'no',
};

/** ConnectWise `Bill (B/NB/NC)` and `billableOption` (Billable, DoNotBill, NoCharge, NoDefault). */
export function connectWiseBillableOption(value: string): string {
  return connectWiseBillable[key(value)] ?? value;
}

/** A number cell that may be empty; `fallback` when it is. */
function numberOr(value: string, fallback: number): number {
  const text = value.trim().replace(',', '.');
  if (text === '') return fallback;
  const n = Number(text);
  return Number.isFinite(n) ? n : Number.NaN;
}

/**
 * HaloPSA actions: billable unless the charge rate (`actioncode`) is -1 ("no charge") or
 * all of the time is non-chargeable (`actionchargehours` 0 while `actionnonchargehours` > 0).
 */
export function haloBillable([actionCode = '', chargeHours = '', nonChargeHours = '']: readonly string[]): string {
  if (actionCode.trim() === '-1') return 'no';
  const charge = numberOr(chargeHours, Number.NaN);
  const nonCharge = numberOr(nonChargeHours, 0);
  if (charge === 0 && nonCharge > 0) return 'no';
  return 'yes';
}

/** HaloPSA: `timetaken` when present, else chargeable + non-chargeable hours. */
export function haloHours([timeTaken = '', chargeHours = '', nonChargeHours = '']: readonly string[]): string {
  if (timeTaken.trim() !== '') return timeTaken;
  if (chargeHours.trim() === '' && nonChargeHours.trim() === '') return '';
  const total = numberOr(chargeHours, 0) + numberOr(nonChargeHours, 0);
  return Number.isNaN(total) ? `${chargeHours}+${nonChargeHours}` : String(Math.round(total * 1000) / 1000);
}

/** The first non-empty value (a column with two spellings, a name with a fallback id). */
export function firstPresent(values: readonly string[]): string {
  for (const value of values) if (value.trim() !== '') return value;
  return '';
}

/** `First Name` + `Last Name` → `First Last` (either may be empty). */
export function joinNames(values: readonly string[]): string {
  return values
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .join(' ');
}
