/**
 * Confidence from named data-quality factors (DESIGN.md section 5, "confidence").
 *
 * Every number MoatMetrics shows carries a confidence in [0, 1] and the factors behind it,
 * so a person can see *why* a margin is 0.62-confident and what data would raise it.
 *
 * ## The model
 *
 * Each factor turns one data-quality measurement into a score sᵢ in [0, 1] (1 = no doubt
 * from this source), by a clear monotone function:
 *
 * | factor                 | score sᵢ                                               | weight wᵢ |
 * |------------------------|--------------------------------------------------------|-----------|
 * | `cost_rate_coverage`   | hoursWithCostRate / hoursTotal (1 when no hours)       | 1         |
 * | `invoice_sample_size`  | 1 − e^(−invoiceCount / 3)                              | 1         |
 * | `time_log_sample_size` | 1 − e^(−timeLogCount / 20)                             | 0.5       |
 * | `period_gaps`          | (monthsWithInvoices + monthsWithTimeLogs) / (2 × monthsCovered) | 1 |
 * | `recency`              | 1 up to 45 days, then halves every 180 days            | 0.5       |
 * | `missing_fields`       | 1 − missingFieldShare                                  | 0.5       |
 * | `outliers`             | 1 − 2 × outlierShare (0 from half the rows flagged)    | 1         |
 * | `inconsistent_rows`    | 1 − inconsistentRowShare (only when it is given)       | 1         |
 * | `assumptions`          | 0.95 ^ (number of assumptions)                         | 1         |
 *
 * Why these shapes: coverage is the share of labor cost resting on a real rate rather
 * than the default. Sample size saturates: an MSP bills a client about monthly, so 3
 * invoices (a quarter) score 0.63, 9 score 0.95, 14 score 0.99; time logs are many per
 * month, so their scale is 20 (60 logs → 0.95) and they weigh half, because a small number
 * of logs usually means little work, which is itself exact. Data up to 45 days old is
 * current (a month-end close plus slack); after that it describes an ever older business.
 * The outlier rule (see `outlierFlags`) flags almost nothing in well-behaved data and 1–3 %
 * in heavy-tailed real exports, so the share is doubled to make a large share matter.
 * Every assumption (a default cost rate, a license without dates, …) costs a flat 5 % so
 * that it is always visible among the factors, even where coverage already counts its size.
 *
 * The metric layer may re-weight factors per metric (weight 0 drops a factor: cost-rate
 * coverage says nothing about revenue) via `options.weights`.
 *
 * ## Combining: a weighted product
 *
 *     confidence = Π sᵢ ^ wᵢ
 *
 * rather than a weighted mean Σ wᵢ sᵢ / Σ wᵢ, because:
 * - one fatal problem is not hidden by good news elsewhere: with no cost rates at all, a
 *   mean of nine factors would still say 0.89; the product says 0;
 * - the factors are roughly independent ways the number could be wrong, and the chances
 *   that it survives each of them multiply;
 * - a perfect factor (sᵢ = 1) is neutral, so adding a factor never dilutes the others, as
 *   re-normalising the weights of a mean would; and the result is monotone in every score.
 *
 * A weight is an exponent: weight 0.5 means a score of 0.64 lowers confidence by × 0.8.
 *
 * ## Contributions: how much each factor lowers confidence from 1
 *
 * The drop 1 − confidence is split between the factors by exact Shapley values (the same
 * rule as every attribution in MoatMetrics) of the game "start from all scores at 1 and
 * move factors to their actual scores": v(S) = Π_{i∈S} sᵢ^wᵢ. Every marginal step
 * multiplies by sᵢ^wᵢ ≤ 1, so each contribution is ≥ 0, exactly 0 for a perfect factor,
 * and they sum exactly to 1 − confidence. For display they are then rounded to hundredths
 * by the largest-remainder method against the rounded value, so that **the contributions,
 * in hundredths, add up exactly to 1 − value**: 0.62 = 1 − 0.25 − 0.10 − 0.03, with no
 * "missing" 0.01 (in floating point, |Σ contributions − (1 − value)| < 1e-9). A factor
 * whose share is below half a hundredth may show 0.00 while its score is below 1; its
 * `detail` and `improve` still say what is wrong.
 *
 * `value` is rounded to 2 decimals, `score` to 3.
 *
 * Pure maths: no I/O.
 */

import { shapleyAttribution } from './shapley.js';

export interface ConfidenceFactor {
  /** Stable identifier, e.g. `cost_rate_coverage`. */
  name: ConfidenceFactorName;
  /** Plain-English name, e.g. "Staff cost rates known". */
  label: string;
  /** 0..1, 3 decimals; 1 means this factor raises no doubt. */
  score: number;
  /** Exponent of the score in the product; see the module documentation. */
  weight: number;
  /** How much this factor lowers confidence from 1 (hundredths; all of them add up to 1 − value). */
  contribution: number;
  /** What was measured, e.g. "92 % of hours have a staff cost rate (8 % used the default 45.00/h)". */
  detail: string;
  /** What data would raise the score; null when the factor costs nothing visible (contribution 0 and score ≥ 0.99). */
  improve: string | null;
}

export interface Confidence {
  /** 0..1, 2 decimals. */
  value: number;
  factors: ConfidenceFactor[];
}

export interface QualityInputs {
  /** Hours in the metric's scope, and those whose staff member has a known cost rate. */
  hoursTotal: number;
  hoursWithCostRate: number;
  /** Sample size. */
  invoiceCount: number;
  timeLogCount: number;
  /** months(P), and how many of those months have any invoice / any time log. */
  monthsCovered: number;
  monthsWithInvoices: number;
  monthsWithTimeLogs: number;
  /** Days from the latest invoice or time log in scope to the as-of date. */
  daysSinceLatestData: number;
  /** Share (0..1) of rows with optional fields that matter missing. */
  missingFieldShare: number;
  /** Share (0..1) of time logs / invoices flagged as outliers (see `outlierFlags`). */
  outlierShare: number;
  /** What made a row an outlier, in plain English (e.g. 'time entries over 12 hours'), for the detail text. */
  outlierRule?: string;
  /** Assumptions made, in plain English, e.g. 'default cost rate 45.00/h for 1 staff member'. */
  assumptions: string[];
  /** Share (0..1) of orphaned or inconsistent rows (DESIGN section 5); the factor is listed only when given. */
  inconsistentRowShare?: number;
  /** The default cost rate used for hours without one, to name it in the detail text. */
  defaultCostRate?: number;
}

export type ConfidenceFactorName =
  | 'cost_rate_coverage'
  | 'invoice_sample_size'
  | 'time_log_sample_size'
  | 'period_gaps'
  | 'recency'
  | 'missing_fields'
  | 'outliers'
  | 'inconsistent_rows'
  | 'assumptions';

export interface ConfidenceOptions {
  /** Per-metric weights; a weight of 0 leaves the factor out. Unnamed factors keep their default. */
  weights?: Partial<Record<ConfidenceFactorName, number>>;
}

export const DEFAULT_CONFIDENCE_WEIGHTS: Readonly<Record<ConfidenceFactorName, number>> = {
  cost_rate_coverage: 1,
  invoice_sample_size: 1,
  time_log_sample_size: 0.5,
  period_gaps: 1,
  recency: 0.5,
  missing_fields: 0.5,
  outliers: 1,
  inconsistent_rows: 1,
  assumptions: 1,
};

/** The constants of the score functions (see the table above). */
export const CONFIDENCE_MODEL = {
  /** Invoices: score = 1 − e^(−n / 3). */
  invoiceScale: 3,
  /** Time logs: score = 1 − e^(−n / 20). */
  timeLogScale: 20,
  /** Data this many days old or newer is current. */
  recencyGraceDays: 45,
  /** Beyond the grace period the recency score halves every this many days. */
  recencyHalfLifeDays: 180,
  /** Outliers: score = 1 − this × share. */
  outlierMultiplier: 2,
  /** Each assumption multiplies its factor's score by this. */
  assumptionFactor: 0.95,
  /** At or above this score a factor gets no `improve` advice. */
  goodScore: 0.99,
} as const;

/**
 * Confidence of a metric from its data-quality inputs: the weighted product of the factor
 * scores, each factor with its share of 1 − value. See the module documentation for the
 * formulas, weights and rounding.
 *
 * @throws RangeError for negative or non-finite inputs, shares above 1, more hours or months
 *   with data than in total, or a negative weight.
 */
export function computeConfidence(inputs: QualityInputs, options: ConfidenceOptions = {}): Confidence {
  checkInputs(inputs);
  const weights: Record<ConfidenceFactorName, number> = { ...DEFAULT_CONFIDENCE_WEIGHTS };
  for (const [name, weight] of Object.entries(options.weights ?? {})) {
    if (weight === undefined) continue;
    if (!Object.hasOwn(DEFAULT_CONFIDENCE_WEIGHTS, name)) throw new RangeError(`Unknown confidence factor "${name}"`);
    if (!(Number.isFinite(weight) && weight >= 0)) throw new RangeError(`Weight of ${name} must be ≥ 0, got ${weight}`);
    weights[name as ConfidenceFactorName] = weight;
  }

  const measured = measureFactors(inputs).filter((factor) => weights[factor.name] > 0);
  const multiplier = (factor: Measured): number => factor.score ** weights[factor.name];

  // The confidence game: factors move from a perfect score to their actual one.
  const actual: Record<string, number> = {};
  const perfect: Record<string, number> = {};
  for (const factor of measured) {
    actual[factor.name] = multiplier(factor);
    perfect[factor.name] = 1;
  }
  const product = (m: Readonly<Record<string, number>>): number => {
    let value = 1;
    for (const name in m) value *= m[name] as number;
    return value;
  };
  const { value: exact, contributions: shapley } = shapleyAttribution(product, actual, perfect);

  const valueHundredths = Math.round(exact * 100);
  const shares = apportionHundredths(
    measured.map((factor) => -100 * (shapley[factor.name] as number)),
    100 - valueHundredths,
  );

  return {
    value: valueHundredths / 100,
    factors: measured.map((factor, i) => ({
      name: factor.name,
      label: factor.label,
      score: Math.round(factor.score * 1000) / 1000,
      weight: weights[factor.name],
      contribution: (shares[i] as number) / 100,
      detail: factor.detail,
      // Advice whenever the factor visibly costs something, or is short of good.
      improve: shares[i] === 0 && factor.score >= CONFIDENCE_MODEL.goodScore ? null : factor.improve,
    })),
  };
}

interface Measured {
  name: ConfidenceFactorName;
  label: string;
  score: number;
  detail: string;
  improve: string;
}

/** Each factor's score and its plain-English detail and advice, before weighting. */
function measureFactors(q: QualityInputs): Measured[] {
  const m = CONFIDENCE_MODEL;
  const factors: Measured[] = [];

  const coverage = q.hoursTotal === 0 ? 1 : Math.min(1, q.hoursWithCostRate / q.hoursTotal);
  const uncosted = Math.max(0, q.hoursTotal - q.hoursWithCostRate);
  const defaultRate = q.defaultCostRate === undefined ? 'default cost rate' : `default ${q.defaultCostRate.toFixed(2)}/h`;
  factors.push({
    name: 'cost_rate_coverage',
    label: 'Staff cost rates known',
    score: coverage,
    detail:
      q.hoursTotal === 0
        ? 'No hours were logged, so labor cost needs no cost rates'
        : coverage >= 1
          ? `All ${hours(q.hoursTotal)} hours have a staff cost rate`
          : `${percent(coverage)} of hours have a staff cost rate (${percent(1 - coverage)} used the ${defaultRate})`,
    improve: `Add a cost_rate for the staff members without one (staff import) so their ${hours(uncosted)} hours are costed at their real rate`,
  });

  const invoiceScore = 1 - Math.exp(-q.invoiceCount / m.invoiceScale);
  factors.push({
    name: 'invoice_sample_size',
    label: 'Number of invoices',
    score: invoiceScore,
    detail: `${count(q.invoiceCount, 'invoice')} in the period${sampleComment(invoiceScore, 'invoice')}`,
    improve: `${sampleAdvice(q.invoiceCount, m.invoiceScale, 'invoices')}: widen the period or import earlier invoices`,
  });

  const timeLogScore = 1 - Math.exp(-q.timeLogCount / m.timeLogScale);
  factors.push({
    name: 'time_log_sample_size',
    label: 'Number of time logs',
    score: timeLogScore,
    detail: `${count(q.timeLogCount, 'time log')} in the period${sampleComment(timeLogScore, 'time log')}`,
    improve: `${sampleAdvice(q.timeLogCount, m.timeLogScale, 'time logs')}: widen the period or import earlier time logs`,
  });

  const gapsScore = q.monthsCovered === 0 ? 1 : (q.monthsWithInvoices + q.monthsWithTimeLogs) / (2 * q.monthsCovered);
  const invoiceGaps = q.monthsCovered - q.monthsWithInvoices;
  const timeLogGaps = q.monthsCovered - q.monthsWithTimeLogs;
  factors.push({
    name: 'period_gaps',
    label: 'Months with data',
    score: gapsScore,
    detail:
      q.monthsCovered === 0
        ? 'The period covers no months'
        : `Invoices in ${q.monthsWithInvoices} of ${count(q.monthsCovered, 'month')} and time logs in ${q.monthsWithTimeLogs} of ${count(q.monthsCovered, 'month')}`,
    improve:
      'Import ' +
      [
        invoiceGaps > 0 ? `invoices for the ${count(invoiceGaps, 'month')} without any` : null,
        timeLogGaps > 0 ? `time logs for the ${count(timeLogGaps, 'month')} without any` : null,
      ]
        .filter(Boolean)
        .join(' and ') +
      ', or confirm that nothing was billed or worked then',
  });

  const staleDays = Math.max(0, q.daysSinceLatestData - m.recencyGraceDays);
  const recencyScore = 0.5 ** (staleDays / m.recencyHalfLifeDays);
  factors.push({
    name: 'recency',
    label: 'Data is recent',
    score: recencyScore,
    detail:
      `The latest invoice or time log is ${count(Math.round(q.daysSinceLatestData), 'day')} before the as-of date` +
      (staleDays > 0 ? `; data older than ${m.recencyGraceDays} days counts for less, halving every ${m.recencyHalfLifeDays} days` : ''),
    improve: `Import invoices and time logs up to the as-of date (the latest are ${count(Math.round(q.daysSinceLatestData), 'day')} old)`,
  });

  factors.push({
    name: 'missing_fields',
    label: 'Optional fields filled in',
    score: 1 - q.missingFieldShare,
    detail:
      q.missingFieldShare === 0
        ? 'No rows are missing optional fields that matter'
        : `${percent(q.missingFieldShare)} of rows are missing optional fields that matter`,
    improve: 'Fill in the missing fields in the source system and re-import',
  });

  factors.push({
    name: 'outliers',
    label: 'Unusual rows',
    score: Math.max(0, 1 - m.outlierMultiplier * q.outlierShare),
    detail:
      q.outlierShare === 0
        ? 'No invoices or time logs are flagged as outliers'
        : q.outlierRule
          ? `${percent(q.outlierShare)} of rows are ${q.outlierRule}`
          : `${percent(q.outlierShare)} of invoices and time logs are flagged as outliers (far from the median)`,
    improve: 'Check the flagged rows: correct them in the source system, or confirm them in review',
  });

  if (q.inconsistentRowShare !== undefined) {
    factors.push({
      name: 'inconsistent_rows',
      label: 'Rows that agree with each other',
      score: 1 - q.inconsistentRowShare,
      detail:
        q.inconsistentRowShare === 0
          ? 'No orphaned or inconsistent rows'
          : `${percent(q.inconsistentRowShare)} of rows are orphaned or inconsistent (e.g. a time log for an unknown client)`,
      improve: 'Fix or remove the orphaned and inconsistent rows listed in the import report',
    });
  }

  factors.push({
    name: 'assumptions',
    label: 'Assumptions made',
    score: m.assumptionFactor ** q.assumptions.length,
    detail: q.assumptions.length === 0 ? 'No assumptions were needed' : `${count(q.assumptions.length, 'assumption')}: ${q.assumptions.join('; ')}`,
    improve: 'Provide the data behind each assumption so that it is no longer needed',
  });

  return factors;
}

/**
 * Rounds non-negative `parts` (in hundredths) to integers adding up to exactly `total`:
 * floor each, then give one more to the parts with the largest remainders (earlier parts
 * first on ties). The caller's total is within half a unit of Σ parts, so at most as many
 * parts as have a remainder get one more, and a part of exactly 0 stays 0.
 */
function apportionHundredths(parts: readonly number[], total: number): number[] {
  // Snap float noise (a Shapley value of 2.9999999999) before flooring.
  const clean = parts.map((part) => Math.max(0, Math.abs(part - Math.round(part)) < 1e-9 ? Math.round(part) : part));
  const floors = clean.map(Math.floor);
  let remaining = total - floors.reduce((sum, part) => sum + part, 0);
  const byRemainder = clean
    .map((part, i) => ({ i, remainder: part - (floors[i] as number) }))
    .filter((entry) => entry.remainder > 0)
    .sort((x, y) => y.remainder - x.remainder || x.i - y.i);
  for (const { i } of byRemainder) {
    if (remaining <= 0) break;
    floors[i] = (floors[i] as number) + 1;
    remaining--;
  }
  return floors;
}

function checkInputs(q: QualityInputs): void {
  const amounts: (keyof QualityInputs)[] = [
    'hoursTotal',
    'hoursWithCostRate',
    'invoiceCount',
    'timeLogCount',
    'monthsCovered',
    'monthsWithInvoices',
    'monthsWithTimeLogs',
    'daysSinceLatestData',
  ];
  for (const key of amounts) {
    const value = q[key] as number;
    if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`${key} must be a number ≥ 0, got ${value}`);
  }
  const shares: (keyof QualityInputs)[] = ['missingFieldShare', 'outlierShare', 'inconsistentRowShare'];
  for (const key of shares) {
    const value = q[key] as number | undefined;
    if (value === undefined && key === 'inconsistentRowShare') continue;
    if (!(value !== undefined && value >= 0 && value <= 1)) throw new RangeError(`${key} must be between 0 and 1, got ${value}`);
  }
  // Hours are sums of decimals; allow float noise, not a real excess.
  if (q.hoursWithCostRate > q.hoursTotal * (1 + 1e-9) + 1e-9) {
    throw new RangeError(`hoursWithCostRate (${q.hoursWithCostRate}) exceeds hoursTotal (${q.hoursTotal})`);
  }
  if (q.monthsWithInvoices > q.monthsCovered || q.monthsWithTimeLogs > q.monthsCovered) {
    throw new RangeError('Months with invoices or time logs cannot exceed monthsCovered');
  }
  if (q.defaultCostRate !== undefined && !(Number.isFinite(q.defaultCostRate) && q.defaultCostRate >= 0)) {
    throw new RangeError(`defaultCostRate must be a number ≥ 0, got ${q.defaultCostRate}`);
  }
}

// --- Plain-English formatting (locale-independent, so stored explanations are stable) ---

/** "92 %"; one decimal where rounding would show 0 % or 100 % for a share that is neither. */
function percent(share: number): string {
  const whole = Math.round(share * 100);
  if ((whole === 0 && share > 0) || (whole === 100 && share < 1)) return `${(share * 100).toFixed(1)} %`;
  return `${whole} %`;
}

/** "1,104.5" */
function hours(value: number): string {
  return groupThousands(value.toFixed(1));
}

/** "1 invoice", "3 invoices", "1,200 time logs" */
function count(n: number, noun: string): string {
  return `${groupThousands(String(n))} ${noun}${n === 1 ? '' : 's'}`;
}

function groupThousands(text: string): string {
  const [whole = '', fraction] = text.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

function sampleComment(score: number, noun: string): string {
  if (score >= CONFIDENCE_MODEL.goodScore) return '';
  if (score >= 0.9) return `: fairly stable, though one unusual ${noun} still moves the result`;
  return `: a small sample, so one unusual ${noun} moves the result a lot`;
}

/** Names the count at which the sample-size score 1 − e^(−n/scale) reaches the "good" score. */
function sampleAdvice(n: number, scale: number, nouns: string): string {
  const enough = Math.ceil(-scale * Math.log(1 - CONFIDENCE_MODEL.goodScore));
  return n < enough ? `${enough} ${nouns} or more would make this reliable` : `More ${nouns} would make this more reliable`;
}

// --- Outliers ------------------------------------------------------------------------------

/** Iglewicz & Hoaglin's cut-off for the modified z-score. */
export const OUTLIER_Z = 3.5;

/**
 * Flags values far from the bulk, by the modified z-score of Iglewicz & Hoaglin (1993,
 * "How to Detect and Handle Outliers"): zᵢ = 0.6745 (xᵢ − median) / MAD, flagged when
 * |zᵢ| > 3.5, where MAD is the median absolute deviation (0.6745 makes MAD comparable to
 * a standard deviation for normal data). Median and MAD ignore the outliers themselves,
 * unlike mean ± k·sd, which a single huge invoice inflates until nothing is flagged.
 *
 * When more than half the values are identical the MAD is 0; then the scale is the mean
 * absolute deviation from the median × 1.253314 (√(π/2), its normal-consistency constant),
 * the usual fallback (IBM SPSS, and Iglewicz & Hoaglin's discussion). If that is 0 too,
 * every value equals the median and none is flagged.
 *
 * Non-finite values are always flagged and left out of the median. With fewer than 3
 * finite values there is no bulk to compare with and nothing else is flagged.
 */
export function outlierFlags(values: number[]): boolean[] {
  const finite = Float64Array.from(values.filter(Number.isFinite));
  if (finite.length < 3) return values.map((value) => !Number.isFinite(value));
  const centre = median(finite);
  const deviations = finite.map((value) => Math.abs(value - centre));
  const mad = median(deviations);
  let scale: number;
  if (mad > 0) {
    scale = mad / 0.6745;
  } else {
    const meanDeviation = deviations.reduce((sum, d) => sum + d, 0) / deviations.length;
    scale = meanDeviation * 1.253314;
  }
  return values.map((value) => {
    if (!Number.isFinite(value)) return true;
    if (scale === 0) return false;
    return Math.abs(value - centre) / scale > OUTLIER_Z;
  });
}

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
