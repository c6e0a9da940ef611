import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from '../../src/explain/bootstrap.js';
import {
  effectiveRateAttribution,
  marginAttribution,
  profitAttribution,
  shapleyAttribution,
  shapleyByPermutations,
  type ValueFunction,
} from '../../src/explain/shapley.js';

type Random = () => number;

const driverNames = (n: number) => Array.from({ length: n }, (_, i) => `d${i}`);

function randomPoint(random: Random, names: readonly string[]): Record<string, number> {
  return Object.fromEntries(names.map((name) => [name, Math.round((random() * 20 - 10) * 100) / 100]));
}

/**
 * A random nonlinear metric: a sum of terms, each a coefficient times a product of one to
 * three transformed drivers (powers, sin, exp, a rational bump, a kink), so drivers
 * interact and "one at a time" attributions would not add up.
 */
function randomFunction(random: Random, names: readonly string[]): ValueFunction {
  const transforms: ((x: number) => number)[] = [(x) => x, (x) => x * x, Math.sin, (x) => Math.exp(x / 5), (x) => 1 / (1 + x * x), (x) => Math.max(0, x)];
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const terms = Array.from({ length: 2 + Math.floor(random() * 5) }, () => ({
    coefficient: random() * 4 - 2,
    factors: Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({ name: pick(names), t: pick(transforms) })),
  }));
  return (d) => terms.reduce((sum, term) => sum + term.coefficient * term.factors.reduce((p, f) => p * f.t(d[f.name] as number), 1), 0);
}

const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);

function assertClose(actual: number, expected: number, tolerance: number, message?: string) {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${message ?? ''} expected ${expected}, got ${actual}`);
}

describe('shapleyAttribution', () => {
  it('is additive: contributions sum to value − baseline for random nonlinear metrics of 2–10 drivers', () => {
    const random = createRandom(11);
    for (let trial = 0; trial < 60; trial++) {
      const names = driverNames(2 + (trial % 9));
      const f = randomFunction(random, names);
      const actual = randomPoint(random, names);
      const baseline = randomPoint(random, names);
      const result = shapleyAttribution(f, actual, baseline);
      assert.equal(result.value, f(actual));
      assert.equal(result.baselineValue, f(baseline));
      assert.deepEqual(Object.keys(result.contributions), names);
      const scale = Math.max(1, Math.abs(result.value), Math.abs(result.baselineValue));
      assertClose(sum(result.contributions), result.value - result.baselineValue, 1e-9 * scale, `trial ${trial}`);
    }
  });

  it('equals the permutation definition for random metrics of up to 7 drivers', () => {
    const random = createRandom(12);
    for (let trial = 0; trial < 42; trial++) {
      const names = driverNames(1 + (trial % 7));
      const f = randomFunction(random, names);
      const actual = randomPoint(random, names);
      const baseline = randomPoint(random, names);
      // Some drivers did not move: the fast path drops them from the game.
      if (trial % 3 === 0) baseline[names[0] as string] = actual[names[0] as string] as number;
      const fast = shapleyAttribution(f, actual, baseline);
      const reference = shapleyByPermutations(f, actual, baseline);
      assert.equal(fast.value, reference.value);
      assert.equal(fast.baselineValue, reference.baselineValue);
      for (const name of names) {
        assertClose(fast.contributions[name] as number, reference.contributions[name] as number, 1e-9, `trial ${trial} ${name}`);
      }
    }
  });

  it('gives interchangeable drivers equal shares (symmetry)', () => {
    const random = createRandom(13);
    for (let trial = 0; trial < 20; trial++) {
      const inner = randomFunction(random, ['s', 'p', 'c', 'd']);
      // Symmetric in a and b: it only sees their sum and product.
      const f: ValueFunction = (x) => inner({ s: (x.a as number) + (x.b as number), p: (x.a as number) * (x.b as number), c: x.c as number, d: x.d as number });
      const actual = randomPoint(random, ['a', 'b', 'c', 'd']);
      const baseline = randomPoint(random, ['a', 'b', 'c', 'd']);
      actual.b = actual.a as number;
      baseline.b = baseline.a as number;
      const { contributions } = shapleyAttribution(f, actual, baseline);
      assertClose(contributions.a as number, contributions.b as number, 1e-12, `trial ${trial}`);
    }
  });

  it('gives exactly 0 to a driver the metric ignores (dummy), even when it moved', () => {
    const random = createRandom(14);
    for (let trial = 0; trial < 20; trial++) {
      const f = randomFunction(random, ['a', 'b', 'c']);
      const actual = { ...randomPoint(random, ['a', 'b', 'c']), ignored: 5 };
      const baseline = { ...randomPoint(random, ['a', 'b', 'c']), ignored: -7 };
      const { contributions } = shapleyAttribution(f, actual, baseline);
      assert.equal(contributions.ignored, 0);
    }
  });

  it('gives a linear metric exactly the weighted differences', () => {
    const random = createRandom(15);
    for (let trial = 0; trial < 20; trial++) {
      const names = driverNames(2 + (trial % 10));
      const slopes = Object.fromEntries(names.map((name) => [name, random() * 10 - 5]));
      const f: ValueFunction = (d) => 3 + names.reduce((s, name) => s + (slopes[name] as number) * (d[name] as number), 0);
      const actual = randomPoint(random, names);
      const baseline = randomPoint(random, names);
      const { contributions } = shapleyAttribution(f, actual, baseline);
      for (const name of names) {
        const expected = (slopes[name] as number) * ((actual[name] as number) - (baseline[name] as number));
        assertClose(contributions[name] as number, expected, 1e-9, `trial ${trial} ${name}`);
      }
    }
  });

  it('handles 16 drivers and refuses 17 with a RangeError', () => {
    const names16 = driverNames(16);
    const f: ValueFunction = (d) => names16.reduce((p, name) => p * (1 + (d[name] as number) / 100), 1);
    const actual = Object.fromEntries(names16.map((name, i) => [name, i + 1]));
    const baseline = Object.fromEntries(names16.map((name) => [name, 0]));
    const result = shapleyAttribution(f, actual, baseline);
    assertClose(sum(result.contributions), result.value - result.baselineValue, 1e-12);
    // Larger moves get larger shares in this symmetric product.
    assert.ok((result.contributions.d15 as number) > (result.contributions.d0 as number));

    const names17 = driverNames(17);
    const point = Object.fromEntries(names17.map((name) => [name, 1]));
    assert.throws(() => shapleyAttribution(() => 0, point, point), RangeError);
  });

  it('refuses mismatched drivers, non-finite drivers and a metric that is not finite', () => {
    assert.throws(() => shapleyAttribution(() => 0, { a: 1, b: 2 }, { a: 1 }), RangeError);
    assert.throws(() => shapleyAttribution(() => 0, { a: 1 }, { a: 1, c: 2 }), RangeError);
    assert.throws(() => shapleyAttribution(() => 0, { a: Number.NaN }, { a: 1 }), RangeError);
    assert.throws(() => shapleyAttribution((d) => 1 / (d.a as number), { a: 1 }, { a: 0 }), /not a finite number/);
  });

  it('returns the baseline with no contributions for no drivers', () => {
    assert.deepEqual(
      shapleyAttribution(() => 7, {}, {}),
      { baselineValue: 7, value: 7, contributions: {} },
    );
  });
});

describe('shapleyByPermutations', () => {
  it('matches a two-driver example worked by hand', () => {
    // f = a·b from (1, 2) to (3, 4). Orders: a first: a adds 3·2 − 2 = 4, then b adds 12 − 6 = 6;
    // b first: b adds 1·4 − 2 = 2, then a adds 12 − 4 = 8. Averages: a = 6, b = 4.
    const f: ValueFunction = (d) => (d.a as number) * (d.b as number);
    const expected = { baselineValue: 2, value: 12, contributions: { a: 6, b: 4 } };
    assert.deepEqual(shapleyByPermutations(f, { a: 3, b: 4 }, { a: 1, b: 2 }), expected);
    assert.deepEqual(shapleyAttribution(f, { a: 3, b: 4 }, { a: 1, b: 2 }), expected);
  });

  it('refuses more than 8 drivers', () => {
    const point = Object.fromEntries(driverNames(9).map((name) => [name, 1]));
    assert.throws(() => shapleyByPermutations(() => 0, point, point), RangeError);
  });
});

describe('marginAttribution', () => {
  it('splits a hand-worked margin gap between revenue, labor and licenses', () => {
    // Client: revenue 10 000, labor 6 000, licenses 1 500 → margin 100 × 2 500 / 10 000 = 25 %.
    // Baseline: revenue 8 000, labor 4 000, licenses 800 → margin 100 × 3 200 / 8 000 = 40 %.
    // v(S), S = drivers at the client's values (R revenue, L labor, C licenses):
    //   ∅ 40 · R 52 · L 15 · C 31.25 · RL 32 · RC 45 · LC 6.25 · RLC 25
    // Weights with n = 3: 1/3 for |S| = 0 or 2, 1/6 for |S| = 1.
    //   φR = (52−40)/3 + (32−15)/6 + (45−31.25)/6 + (25−6.25)/3 = 4 + 2.8333 + 2.2917 + 6.25 = 15.375
    //   φL = (15−40)/3 + (32−52)/6 + (6.25−31.25)/6 + (25−45)/3 = −8.3333 − 3.3333 − 4.1667 − 6.6667 = −22.5
    //   φC = (31.25−40)/3 + (45−52)/6 + (6.25−15)/6 + (25−32)/3 = −2.9167 − 1.1667 − 1.4583 − 2.3333 = −7.875
    //   Σ = 15.375 − 22.5 − 7.875 = −15 = 25 − 40 ✓
    const result = marginAttribution({ revenue: 10000, labor_cost: 6000, license_cost: 1500 }, { revenue: 8000, labor_cost: 4000, license_cost: 800 });
    assert.equal(result.metric, 'gross_margin_pct');
    assert.equal(result.value, 25);
    assert.equal(result.baselineValue, 40);
    assert.equal(result.reason, null);
    assert.ok(result.contributions !== null);
    assertClose(result.contributions.revenue, 15.375, 1e-9);
    assertClose(result.contributions.labor_cost, -22.5, 1e-9);
    assertClose(result.contributions.license_cost, -7.875, 1e-9);
  });

  it('ignores extra fields on the rows it is given', () => {
    const client = { revenue: 10000, labor_cost: 6000, license_cost: 1500, client_id: 'acme' };
    const result = marginAttribution(client, { revenue: 8000, labor_cost: 4000, license_cost: 800 });
    assert.deepEqual(Object.keys(result.contributions ?? {}), ['revenue', 'labor_cost', 'license_cost']);
  });

  it('returns null contributions with a reason when revenue is 0 on either side', () => {
    const some = { revenue: 8000, labor_cost: 4000, license_cost: 800 };
    const none = { revenue: 0, labor_cost: 500, license_cost: 0 };
    const clientZero = marginAttribution(none, some);
    assert.equal(clientZero.contributions, null);
    assert.equal(clientZero.value, null);
    assert.equal(clientZero.baselineValue, 40);
    assert.match(clientZero.reason ?? '', /revenue is 0 for the client/);
    const baselineZero = marginAttribution(some, none);
    assert.equal(baselineZero.contributions, null);
    assert.match(baselineZero.reason ?? '', /revenue is 0 for the baseline/);
  });
});

describe('profitAttribution', () => {
  it('gives the signed differences, since profit is linear', () => {
    const result = profitAttribution({ revenue: 10000, labor_cost: 6000, license_cost: 1500 }, { revenue: 8000, labor_cost: 4000, license_cost: 800 });
    assert.equal(result.value, 2500);
    assert.equal(result.baselineValue, 3200);
    assert.ok(result.contributions !== null);
    assertClose(result.contributions.revenue, 2000, 1e-9);
    assertClose(result.contributions.labor_cost, -2000, 1e-9);
    assertClose(result.contributions.license_cost, -700, 1e-9);
  });

  it('gives the differences for random cent amounts too', () => {
    const random = createRandom(16);
    const cents = () => Math.round(random() * 5_000_000) / 100;
    for (let trial = 0; trial < 50; trial++) {
      const client = { revenue: cents(), labor_cost: cents(), license_cost: cents() };
      const baseline = { revenue: cents(), labor_cost: cents(), license_cost: cents() };
      const { contributions } = profitAttribution(client, baseline);
      assert.ok(contributions !== null);
      assertClose(contributions.revenue, client.revenue - baseline.revenue, 1e-7);
      assertClose(contributions.labor_cost, baseline.labor_cost - client.labor_cost, 1e-7);
      assertClose(contributions.license_cost, baseline.license_cost - client.license_cost, 1e-7);
    }
  });
});

describe('effectiveRateAttribution', () => {
  it('splits an effective-rate gap so that it adds up', () => {
    // Client (10 000 − 1 500) / 80 h = 106.25/h; baseline (8 000 − 800) / 100 h = 72/h.
    const result = effectiveRateAttribution({ revenue: 10000, license_cost: 1500, hours: 80 }, { revenue: 8000, license_cost: 800, hours: 100 });
    assert.equal(result.value, 106.25);
    assert.equal(result.baselineValue, 72);
    assert.ok(result.contributions !== null);
    assertClose(sum(result.contributions), 106.25 - 72, 1e-9);
    // Fewer hours for the same work raises the rate; more license cost lowers it.
    assert.ok(result.contributions.hours > 0);
    assert.ok(result.contributions.license_cost < 0);
    assert.ok(result.contributions.revenue > 0);
  });

  it('returns null contributions with a reason when hours is 0', () => {
    const result = effectiveRateAttribution({ revenue: 10000, license_cost: 1500, hours: 80 }, { revenue: 8000, license_cost: 800, hours: 0 });
    assert.equal(result.contributions, null);
    assert.equal(result.value, 106.25);
    assert.equal(result.baselineValue, null);
    assert.match(result.reason ?? '', /hours is 0 for the baseline/);
  });
});
