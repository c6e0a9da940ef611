/**
 * Exact Shapley attribution: how much each driver of a metric contributes to the gap
 * between a value and its baseline (DESIGN.md section 5, "attribution").
 *
 * The game: a metric `f` of named drivers, an `actual` and a `baseline` point. A coalition S
 * of drivers is worth v(S) = f(actual on S, baseline elsewhere), so v(∅) is the baseline
 * value and v(all) the actual value. Driver i's Shapley value is
 *
 *     φᵢ = Σ_{S ⊆ N∖{i}}  |S|! (n − |S| − 1)! / n!  ·  (v(S ∪ {i}) − v(S))
 *
 * the average, over every order in which the drivers could move from baseline to actual, of
 * the change i causes when it moves. It is the only split that is additive
 * (Σ φᵢ = v(N) − v(∅)), symmetric (interchangeable drivers get equal shares) and gives
 * 0 to a driver the metric ignores, which is why MoatMetrics uses it rather than
 * "change one driver at a time", whose parts do not add up for a ratio like margin.
 *
 * Pure maths: no I/O. Callers round for display; nothing here rounds.
 */

/** A metric as a function of named drivers. */
export type ValueFunction = (drivers: Readonly<Record<string, number>>) => number;

export interface ShapleyResult {
  /** f(baseline). */
  baselineValue: number;
  /** f(actual). */
  value: number;
  /** Driver name → its share of `value − baselineValue`; keys in the order of `actual`. */
  contributions: Record<string, number>;
}

/** The most drivers `shapleyAttribution` accepts: 2^16 evaluations of f and 16 · 2^16 steps. */
export const MAX_SHAPLEY_DRIVERS = 16;

/** The most drivers `shapleyByPermutations` accepts: 8! = 40 320 orderings. */
export const MAX_PERMUTATION_DRIVERS = 8;

/**
 * Exact Shapley values of moving each driver from `baseline[d]` to `actual[d]`:
 * v(S) = f(actual on S, baseline elsewhere). Sum of contributions === value − baselineValue
 * (to floating tolerance). Uses the subset-weight formula over all 2^n coalitions, each
 * evaluated once (memoised by bitmask); throws RangeError beyond 16 drivers.
 *
 * A driver whose actual and baseline values are identical cannot change f, so it gets
 * exactly 0 and is left out of the game (dropping a null player leaves every other Shapley
 * value unchanged); that keeps the common "only a few drivers moved" case cheap.
 *
 * @throws RangeError when `actual` and `baseline` name different drivers, a driver value is
 *   not finite, there are more than 16 drivers, or f returns a non-finite number for a
 *   coalition (e.g. a ratio whose denominator is 0 on one side: check that before calling).
 *
 * @example
 * shapleyAttribution(d => d.a * d.b, { a: 3, b: 4 }, { a: 1, b: 2 })
 * // → { baselineValue: 2, value: 12, contributions: { a: 5, b: 5 } }
 */
export function shapleyAttribution(f: ValueFunction, actual: Record<string, number>, baseline: Record<string, number>): ShapleyResult {
  const names = driverNames(actual, baseline);
  if (names.length > MAX_SHAPLEY_DRIVERS) {
    throw new RangeError(`Exact Shapley attribution supports at most ${MAX_SHAPLEY_DRIVERS} drivers, got ${names.length}`);
  }
  const moving = names.filter((name) => !Object.is(actual[name], baseline[name]));
  const n = moving.length;
  const coalitions = 1 << n;

  // v(S) for every coalition S of the moving drivers, indexed by bitmask (bit j = moving[j]).
  const worth = new Float64Array(coalitions);
  for (let mask = 0; mask < coalitions; mask++) {
    const point: Record<string, number> = { ...baseline };
    for (let j = 0; j < n; j++) {
      if (mask & (1 << j)) {
        const name = moving[j] as string;
        point[name] = actual[name] as number;
      }
    }
    worth[mask] = evaluate(f, point, moving, mask);
  }

  // weight[k] = k! (n − k − 1)! / n! = 1 / (n · C(n − 1, k)), built without factorials so
  // that n = 16 stays exact in floating point.
  const weight = new Float64Array(Math.max(n, 1));
  let binomial = 1; // C(n − 1, k)
  for (let k = 0; k < n; k++) {
    weight[k] = 1 / (n * binomial);
    binomial = (binomial * (n - 1 - k)) / (k + 1);
  }
  const size = new Uint8Array(coalitions);
  for (let mask = 1; mask < coalitions; mask++) size[mask] = (size[mask >> 1] as number) + (mask & 1);

  const phi = new Float64Array(n);
  for (let mask = 0; mask < coalitions; mask++) {
    const w = weight[size[mask] as number] as number;
    const without = worth[mask] as number;
    for (let j = 0; j < n; j++) {
      const bit = 1 << j;
      if (mask & bit) continue;
      phi[j] = (phi[j] as number) + w * ((worth[mask | bit] as number) - without);
    }
  }

  const contributions: Record<string, number> = {};
  for (const name of names) contributions[name] = 0;
  moving.forEach((name, j) => (contributions[name] = phi[j] as number));
  return { baselineValue: worth[0] as number, value: worth[coalitions - 1] as number, contributions };
}

/**
 * Reference implementation: average marginal contribution over all n! orderings, evaluating
 * f afresh at every step (no memo, no shortcut), so tests can check `shapleyAttribution`
 * against the definition. Only for n ≤ 8; throws RangeError beyond.
 */
export function shapleyByPermutations(f: ValueFunction, actual: Record<string, number>, baseline: Record<string, number>): ShapleyResult {
  const names = driverNames(actual, baseline);
  const n = names.length;
  if (n > MAX_PERMUTATION_DRIVERS) {
    throw new RangeError(`The permutation reference supports at most ${MAX_PERMUTATION_DRIVERS} drivers, got ${n}`);
  }
  const totals = new Map<string, number>(names.map((name) => [name, 0]));
  let orderings = 0;
  const visit = (order: string[]): void => {
    orderings++;
    const point: Record<string, number> = { ...baseline };
    let before = f(point);
    for (const name of order) {
      point[name] = actual[name] as number;
      const after = f(point);
      totals.set(name, (totals.get(name) as number) + (after - before));
      before = after;
    }
  };
  permute(names, [], visit);

  const contributions: Record<string, number> = {};
  for (const name of names) contributions[name] = (totals.get(name) as number) / orderings;
  return { baselineValue: f({ ...baseline }), value: f({ ...actual }), contributions };
}

/** Calls `visit` with every ordering of `rest` appended to `prefix`. */
function permute(rest: readonly string[], prefix: string[], visit: (order: string[]) => void): void {
  if (rest.length === 0) {
    visit(prefix);
    return;
  }
  rest.forEach((name, i) => {
    prefix.push(name);
    permute([...rest.slice(0, i), ...rest.slice(i + 1)], prefix, visit);
    prefix.pop();
  });
}

/** The drivers, in the order of `actual`, after checking both points name the same finite drivers. */
function driverNames(actual: Record<string, number>, baseline: Record<string, number>): string[] {
  const names = Object.keys(actual);
  const baselineNames = Object.keys(baseline);
  const missing = names.filter((name) => !Object.hasOwn(baseline, name));
  const extra = baselineNames.filter((name) => !Object.hasOwn(actual, name));
  if (missing.length > 0 || extra.length > 0) {
    throw new RangeError(`Actual and baseline must name the same drivers (missing from baseline: ${list(missing)}; ` + `missing from actual: ${list(extra)})`);
  }
  for (const name of names) {
    if (!Number.isFinite(actual[name]) || !Number.isFinite(baseline[name])) {
      throw new RangeError(`Driver "${name}" must be a finite number on both sides`);
    }
  }
  return names;
}

function evaluate(f: ValueFunction, point: Record<string, number>, moving: readonly string[], mask: number): number {
  const value = f(point);
  if (!Number.isFinite(value)) {
    const atActual = moving.filter((_, j) => mask & (1 << j));
    throw new RangeError(`The metric is not a finite number (${value}) with ${list(atActual)} at actual and the rest at baseline`);
  }
  return value;
}

function list(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.join(', ');
}

// ---------------------------------------------------------------------------------------
// The product's metrics (DESIGN.md section 4), as attributions against a baseline client
// such as the portfolio median.

/** The drivers of a client's gross profit and gross margin, in money for one period. */
export interface CostDrivers {
  revenue: number;
  labor_cost: number;
  license_cost: number;
}

/** The drivers of a client's effective hourly rate for one period. */
export interface RateDrivers {
  revenue: number;
  license_cost: number;
  hours: number;
}

/**
 * An attribution of one named metric. When the metric is undefined on either side (a zero
 * denominator), `contributions` is null and `reason` says why in plain English; otherwise
 * `reason` is null and the contributions sum to `value − baselineValue`.
 */
export type MetricAttribution<Driver extends string> =
  | {
      metric: AttributedMetric;
      baselineValue: number;
      value: number;
      contributions: Record<Driver, number>;
      reason: null;
    }
  | {
      metric: AttributedMetric;
      baselineValue: number | null;
      value: number | null;
      contributions: null;
      reason: string;
    };

export type AttributedMetric = 'gross_margin_pct' | 'gross_profit' | 'effective_hourly_rate';

/** gross_margin_pct = 100 × (revenue − labor_cost − license_cost) / revenue (not finite when revenue is 0: check first). */
export function grossMarginPct(d: Readonly<Record<string, number>>): number {
  const revenue = d.revenue as number;
  return (100 * (revenue - (d.labor_cost as number) - (d.license_cost as number))) / revenue;
}

/** gross_profit = revenue − labor_cost − license_cost. */
export function grossProfit(d: Readonly<Record<string, number>>): number {
  return (d.revenue as number) - (d.labor_cost as number) - (d.license_cost as number);
}

/** effective_hourly_rate = (revenue − license_cost) / hours (not finite when hours is 0: check first). */
export function effectiveHourlyRate(d: Readonly<Record<string, number>>): number {
  return ((d.revenue as number) - (d.license_cost as number)) / (d.hours as number);
}

/**
 * Why a client's gross margin % differs from the baseline's, split exactly between revenue,
 * labor cost and license cost (percentage points; they sum to value − baselineValue).
 * Margin is a ratio, so revenue's share depends on the costs and vice versa: Shapley
 * averages over both orders instead of picking one. Null contributions, with a reason, when
 * revenue is 0 on either side (margin is undefined there).
 *
 * @example
 * marginAttribution({ revenue: 10000, labor_cost: 6000, license_cost: 1500 },
 *                   { revenue: 8000, labor_cost: 4000, license_cost: 800 })
 * // value 25, baselineValue 40; contributions ≈ { revenue: +15.375, labor_cost: −22.5, license_cost: −7.875 }
 */
export function marginAttribution(client: CostDrivers, baseline: CostDrivers): MetricAttribution<keyof CostDrivers> {
  const metric = 'gross_margin_pct';
  const value = client.revenue === 0 ? null : grossMarginPct(costDrivers(client));
  const baselineValue = baseline.revenue === 0 ? null : grossMarginPct(costDrivers(baseline));
  if (value === null || baselineValue === null) {
    return { metric, value, baselineValue, contributions: null, reason: zeroReason('Gross margin', 'revenue', value, baselineValue) };
  }
  return attribution(metric, shapleyAttribution(grossMarginPct, costDrivers(client), costDrivers(baseline)));
}

/**
 * Why a client's gross profit differs from the baseline's. Profit is linear in its drivers,
 * so the Shapley values are just the signed differences (revenue up adds, costs up
 * subtract); computing them through the same machinery keeps one code path and is a check on it.
 */
export function profitAttribution(client: CostDrivers, baseline: CostDrivers): MetricAttribution<keyof CostDrivers> {
  return attribution('gross_profit', shapleyAttribution(grossProfit, costDrivers(client), costDrivers(baseline)));
}

/**
 * Why a client's effective hourly rate differs from the baseline's, split between revenue,
 * license cost and hours. Null contributions, with a reason, when hours is 0 on either side.
 */
export function effectiveRateAttribution(client: RateDrivers, baseline: RateDrivers): MetricAttribution<keyof RateDrivers> {
  const metric = 'effective_hourly_rate';
  const value = client.hours === 0 ? null : effectiveHourlyRate(rateDrivers(client));
  const baselineValue = baseline.hours === 0 ? null : effectiveHourlyRate(rateDrivers(baseline));
  if (value === null || baselineValue === null) {
    return { metric, value, baselineValue, contributions: null, reason: zeroReason('Effective hourly rate', 'hours', value, baselineValue) };
  }
  return attribution(metric, shapleyAttribution(effectiveHourlyRate, rateDrivers(client), rateDrivers(baseline)));
}

// Copies only the named drivers, in a fixed order, so extra fields on a caller's row
// (client_id, …) never become drivers.
function costDrivers(d: CostDrivers): Record<keyof CostDrivers, number> {
  return { revenue: d.revenue, labor_cost: d.labor_cost, license_cost: d.license_cost };
}

function rateDrivers(d: RateDrivers): Record<keyof RateDrivers, number> {
  return { revenue: d.revenue, license_cost: d.license_cost, hours: d.hours };
}

function attribution<Driver extends string>(metric: AttributedMetric, result: ShapleyResult): MetricAttribution<Driver> {
  return {
    metric,
    baselineValue: result.baselineValue,
    value: result.value,
    contributions: result.contributions as Record<Driver, number>,
    reason: null,
  };
}

function zeroReason(metric: string, denominator: string, value: number | null, baselineValue: number | null): string {
  const sides = [value === null ? 'the client' : null, baselineValue === null ? 'the baseline' : null].filter(Boolean);
  return `${metric} is undefined when ${denominator} is 0, and ${denominator} is 0 for ${sides.join(' and ')}, so it cannot be attributed to drivers`;
}
