/**
 * The one rounding rule for every number MoatMetrics shows: API responses, CLI output and,
 * later, reports. Money to the cent, percentages and hours to two decimals, half away from
 * zero, and never -0 (a loss that rounds to nothing reads 0.00, not -0.00).
 *
 * It is applied once, at the presentation edge (the API presenters, the CLI), to the value
 * as computed. The maths below it (metric layer, confidence, bootstrap, Shapley) keeps full
 * precision, so nothing is rounded twice and a stored analysis can be shown again exactly.
 *
 * Pure: no I/O, no imports.
 */

/** Decimals shown for money (cents: the data is stored in whole cents). */
export const MONEY_DECIMALS = 2;
/** Decimals shown for percentages and percentage points. */
export const PERCENT_DECIMALS = 2;
/** Decimals shown for hours (the data holds thousandths of an hour). */
export const HOURS_DECIMALS = 2;

/**
 * `value` rounded to `digits` decimals, half away from zero, without -0.
 *
 * "Half" is judged on the decimal the value stands for: 1.005 is stored as
 * 1.00499999999999989…, but it is the sum of 100.5 cents, so it rounds to 1.01. Fifteen
 * significant digits are what a double holds exactly, so reading the scaled value at that
 * precision removes the binary noise and nothing else.
 *
 * @example
 * roundHalfAwayFromZero(-164.97379350632684, 2) // → -164.97
 * roundHalfAwayFromZero(2.675, 2)               // → 2.68
 * roundHalfAwayFromZero(-2.675, 2)              // → -2.68
 * roundHalfAwayFromZero(-0.004, 2)              // → 0 (not -0)
 */
export function roundHalfAwayFromZero(value: number, digits: number): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  const scaled = Number((Math.abs(value) * factor).toPrecision(15));
  const rounded = Math.round(scaled) / factor;
  return value < 0 && rounded !== 0 ? -rounded : rounded;
}

export function roundMoney(value: number): number;
export function roundMoney(value: number | null): number | null;
/** To the cent. */
export function roundMoney(value: number | null): number | null {
  return value === null ? null : roundHalfAwayFromZero(value, MONEY_DECIMALS);
}

export function roundPercent(value: number): number;
export function roundPercent(value: number | null): number | null;
/** Percentages and percentage points, to two decimals. */
export function roundPercent(value: number | null): number | null {
  return value === null ? null : roundHalfAwayFromZero(value, PERCENT_DECIMALS);
}

/** Hours, to two decimals. */
export function roundHours(value: number): number {
  return roundHalfAwayFromZero(value, HOURS_DECIMALS);
}

/**
 * Rounds `parts` to `digits` decimals so that the rounded parts add up to exactly `total`
 * (itself rounded to `digits`): the largest-remainder method, for parts of either sign.
 * Each part is first rounded on its own; if their sum misses the total by k units, the k
 * parts whose rounding moved them furthest from the total's side get one unit each (ties:
 * the earlier part). A part of exactly 0 stays 0, and every part ends within one unit of its
 * exact value.
 *
 * Used for attribution: Shapley contributions add up exactly to value − baseline, and after
 * this their rounded values add up to the rounded value − the rounded baseline, as shown.
 *
 * @example
 * // Rounded one by one, 0.335 + 0.335 + 0.33 = 1 would read 0.34 + 0.34 + 0.33 = 1.01:
 * roundPartsToTotal([0.335, 0.335, 0.33], 1, 2) // → [0.33, 0.34, 0.33]
 */
export function roundPartsToTotal(parts: readonly number[], total: number, digits: number): number[] {
  const factor = 10 ** digits;
  const units = (value: number): number => Math.round(roundHalfAwayFromZero(value, digits) * factor);
  const rounded = parts.map(units);
  let missing = units(total) - rounded.reduce((sum, part) => sum + part, 0);
  if (missing !== 0) {
    const step = Math.sign(missing);
    // How far each part's rounding went against the direction we must move it: those first.
    const candidates = parts
      .map((part, i) => ({ i, room: step * (part * factor - rounded[i]!) }))
      .filter((candidate) => parts[candidate.i] !== 0)
      .sort((a, b) => b.room - a.room || a.i - b.i);
    for (let k = 0; missing !== 0 && candidates.length > 0; k++) {
      const { i } = candidates[k % candidates.length]!;
      rounded[i]! += step;
      missing -= step;
    }
  }
  return rounded.map((part) => (part === 0 ? 0 : part / factor));
}
