import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bootstrapInterval, bootstrapRatioInterval, createRandom } from '../../src/explain/bootstrap.js';
import { normalSample } from './random-normal.js';

function mean(sample: readonly number[]): number {
  let total = 0;
  for (let i = 0; i < sample.length; i++) total += sample[i] as number;
  return total / sample.length;
}

describe('createRandom', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const draw = (seed: number) => {
      const random = createRandom(seed);
      return Array.from({ length: 50 }, () => random());
    };
    assert.deepEqual(draw(1), draw(1));
    assert.notDeepEqual(draw(1), draw(2));
    assert.notDeepEqual(draw(0), draw(2 ** 32)); // the high word of the seed matters too
    assert.notDeepEqual(draw(-1), draw(2 ** 32 - 1));
  });

  it('draws uniformly from [0, 1)', () => {
    const random = createRandom(3);
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const x = random();
      assert.ok(x >= 0 && x < 1);
      bins[Math.floor(x * 10)]! += 1;
    }
    // Each bin expects 10 000 (sd ≈ 95): ±500 is more than 5 sd.
    for (const count of bins) assert.ok(Math.abs(count - 10_000) < 500, `bin count ${count}`);
  });

  it('refuses a seed that is not a safe integer', () => {
    assert.throws(() => createRandom(1.5), RangeError);
    assert.throws(() => createRandom(Number.NaN), RangeError);
  });
});

describe('bootstrapInterval', () => {
  const data = normalSample(21, 200, 50, 10);

  it('is deterministic for a seed, and other seeds give other intervals', () => {
    const first = bootstrapInterval(data, mean, { seed: 7 });
    assert.deepEqual(bootstrapInterval(data, mean, { seed: 7 }), first);
    assert.notDeepEqual(bootstrapInterval(data, mean, { seed: 8 }), first);
    assert.deepEqual(bootstrapInterval(data, mean), bootstrapInterval(data, mean, { seed: 1, resamples: 1000, level: 0.9 }));
  });

  it('describes itself and contains the point estimate for normal data', () => {
    const interval = bootstrapInterval(data, mean);
    assert.ok(interval);
    assert.equal(interval.method, 'bootstrap-percentile');
    assert.equal(interval.level, 0.9);
    assert.equal(interval.resamples, 1000);
    const estimate = mean(data);
    assert.ok(interval.low < estimate && estimate < interval.high, `${interval.low} < ${estimate} < ${interval.high}`);
    // The standard error of the mean is 10 / √200 ≈ 0.71, so a 90 % interval is about
    // 2 × 1.645 × 0.71 ≈ 2.3 wide.
    const width = interval.high - interval.low;
    assert.ok(width > 1.8 && width < 2.9, `width ${width}`);
  });

  it('narrows as the sample grows, like 1/√n', () => {
    const width = (n: number) => {
      const interval = bootstrapInterval(normalSample(22, n), mean);
      assert.ok(interval);
      return interval.high - interval.low;
    };
    const [w50, w500, w5000] = [width(50), width(500), width(5000)];
    // Each tenfold increase should shrink the width by √10 ≈ 3.2.
    assert.ok(w500 < w50 / 2 && w500 > w50 / 5, `${w50} → ${w500}`);
    assert.ok(w5000 < w500 / 2 && w5000 > w500 / 5, `${w500} → ${w5000}`);
  });

  it('reports the requested percentiles of the resampled statistic', () => {
    // The statistic "first draw of the resample" is uniform on 1..100: its 5th percentile is
    // the step from 5 to 6, its 95th the step from 95 to 96 (25/26 and 75/76 at level 0.5).
    // With 20 000 resamples an estimated 5th percentile is off by more than ±0.5 (one value,
    // i.e. 200 of 20 000 draws) only with vanishing probability.
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    const firstDraw = (s: readonly number[]) => s[0] as number;
    const ninety = bootstrapInterval(values, firstDraw, { resamples: 20_000 });
    const half = bootstrapInterval(values, firstDraw, { resamples: 20_000, level: 0.5 });
    assert.ok(ninety && half);
    assert.ok(Math.abs(ninety.low - 5.5) <= 1 && Math.abs(ninety.high - 95.5) <= 1, JSON.stringify(ninety));
    assert.ok(Math.abs(half.low - 25.5) <= 1 && Math.abs(half.high - 75.5) <= 1, JSON.stringify(half));
  });

  it('is wider at a higher level', () => {
    const narrow = bootstrapInterval(data, mean, { level: 0.5 });
    const wide = bootstrapInterval(data, mean, { level: 0.99 });
    assert.ok(narrow && wide);
    assert.ok(wide.low < narrow.low && narrow.high < wide.high);
  });

  it('covers the true mean about as often as it says (90 % nominal, 200 trials)', () => {
    let covered = 0;
    for (let trial = 0; trial < 200; trial++) {
      const sample = normalSample(1000 + trial, 100);
      const interval = bootstrapInterval(sample, mean, { seed: trial });
      assert.ok(interval);
      if (interval.low <= 0 && 0 <= interval.high) covered++;
    }
    // Percentile intervals run slightly narrow for n = 100; binomial noise at 200 trials is ±2 %.
    assert.ok(covered >= 160 && covered <= 194, `covered ${covered} of 200`);
  });

  it('returns null for fewer than 2 observations', () => {
    assert.equal(bootstrapInterval([], mean), null);
    assert.equal(bootstrapInterval([5], mean), null);
    assert.ok(bootstrapInterval([5, 6], mean));
  });

  it('returns null when the statistic is undefined in most resamples, and skips it in a few', () => {
    // Null whenever the resample contains the 0: P = 1 − (2/3)³ ≈ 0.70 of resamples.
    const noZero = (s: readonly number[]) => (s.includes(0) ? null : mean(s));
    assert.equal(bootstrapInterval([0, 1, 2], noZero), null);
    // With 20 values the 0 is missing from (19/20)^20 ≈ 36 % of resamples: null in 64 %.
    const twenty = Array.from({ length: 20 }, (_, i) => i);
    assert.equal(bootstrapInterval(twenty, noZero), null);
    // Null only when every draw is the same value: rare, so those resamples are just skipped.
    const notConstant = (s: readonly number[]) => (s.every((x) => x === s[0]) ? null : mean(s));
    const interval = bootstrapInterval([1, 2, 3], notConstant);
    assert.ok(interval);
    assert.ok(interval.resamples < 1000 && interval.resamples > 850, `${interval.resamples}`);
  });

  it('resamples with replacement: each resample has the original size and only original values', () => {
    const seen: number[][] = [];
    bootstrapInterval([1, 2, 3, 4], (s) => (seen.push([...s]), mean(s)), { resamples: 200 });
    assert.equal(seen.length, 200);
    assert.ok(seen.every((s) => s.length === 4 && s.every((x) => [1, 2, 3, 4].includes(x))));
    assert.ok(
      seen.some((s) => new Set(s).size < 4),
      'some resample repeats a value',
    );
  });

  it('refuses nonsense options', () => {
    assert.throws(() => bootstrapInterval(data, mean, { level: 1 }), RangeError);
    assert.throws(() => bootstrapInterval(data, mean, { level: 0 }), RangeError);
    assert.throws(() => bootstrapInterval(data, mean, { resamples: 0 }), RangeError);
    assert.throws(() => bootstrapInterval(data, mean, { resamples: 10.5 }), RangeError);
    assert.throws(() => bootstrapInterval(data, mean, { seed: 0.5 }), RangeError);
  });
});

describe('bootstrapRatioInterval', () => {
  // A client's quarter: invoice amounts, and the labor cost of each time log.
  const random = createRandom(31);
  const invoices = Array.from({ length: 12 }, () => Math.round(2500 + random() * 1000));
  const laborCosts = Array.from({ length: 400 }, () => Math.round((0.25 + random() * 3) * 55 * 100) / 100);
  const licenseCost = 2400;
  const margin = (s: Readonly<Record<string, number>>) => {
    const revenue = s.revenue as number;
    return revenue === 0 ? null : (100 * (revenue - (s.labor as number) - licenseCost)) / revenue;
  };
  const groups = [
    { name: 'revenue', values: invoices },
    { name: 'labor', values: laborCosts },
  ];

  it('brackets the margin computed from the full data, deterministically', () => {
    const total = (values: number[]) => values.reduce((a, b) => a + b, 0);
    const point = margin({ revenue: total(invoices), labor: total(laborCosts) });
    assert.ok(point !== null);
    const interval = bootstrapRatioInterval(groups, margin, { seed: 5 });
    assert.ok(interval);
    assert.ok(interval.low < point && point < interval.high, `${interval.low} < ${point} < ${interval.high}`);
    assert.deepEqual(bootstrapRatioInterval(groups, margin, { seed: 5 }), interval);
    assert.notDeepEqual(bootstrapRatioInterval(groups, margin, { seed: 6 }), interval);
  });

  it('resamples each group at its own size, independently', () => {
    const seen: { revenue: number; labor: number }[] = [];
    bootstrapRatioInterval(
      [
        { name: 'revenue', values: [1, 1, 1] },
        { name: 'labor', values: [10, 20, 30, 40, 50] },
      ],
      (s) => (seen.push({ revenue: s.revenue as number, labor: s.labor as number }), 0),
      { resamples: 300 },
    );
    // Three draws of 1 always sum to 3; five draws from 10..50 sum to 50..250 in steps of 10.
    assert.ok(seen.every((s) => s.revenue === 3));
    assert.ok(seen.every((s) => s.labor >= 50 && s.labor <= 250 && s.labor % 10 === 0));
    assert.ok(new Set(seen.map((s) => s.labor)).size > 5);
  });

  it('agrees with the generic bootstrap in distribution for one group', () => {
    const values = normalSample(32, 300, 10, 2);
    const viaSums = bootstrapRatioInterval([{ name: 'x', values }], (s) => (s.x as number) / values.length);
    const generic = bootstrapInterval(values, mean);
    assert.ok(viaSums && generic);
    // Different random streams, same target: the ends agree to within bootstrap noise.
    assert.ok(Math.abs(viaSums.low - generic.low) < 0.05 && Math.abs(viaSums.high - generic.high) < 0.05);
  });

  it('returns null when a group has fewer than 2 values or the ratio is mostly undefined', () => {
    assert.equal(bootstrapRatioInterval([{ name: 'revenue', values: [100] }, groups[1]!], margin), null);
    assert.equal(bootstrapRatioInterval([{ name: 'revenue', values: [] }, groups[1]!], margin), null);
    const mostlyZero = [{ name: 'revenue', values: [0, 0, 0, 0, 0, 100] }, groups[1]!];
    // Revenue sums to 0 unless the 100 is drawn: P(0) = (5/6)^6 ≈ 0.33, so usually defined...
    assert.ok(bootstrapRatioInterval(mostlyZero, margin));
    // ...but with a ratio undefined whenever revenue < 200 (no more than one 100 drawn, ≈ 74 %), null.
    assert.equal(
      bootstrapRatioInterval(mostlyZero, (s) => ((s.revenue as number) < 200 ? null : 1)),
      null,
    );
  });

  it('refuses no groups, duplicate names and non-finite values', () => {
    assert.throws(() => bootstrapRatioInterval([], margin), RangeError);
    assert.throws(() => bootstrapRatioInterval([groups[0]!, { name: 'revenue', values: [1, 2] }], margin), RangeError);
    assert.throws(() => bootstrapRatioInterval([{ name: 'x', values: [1, Number.NaN] }], () => 1), RangeError);
  });
});
