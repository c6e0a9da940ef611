import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { round } from '../../src/metrics/run-query.js';
import { roundHalfAwayFromZero, roundHours, roundMoney, roundPartsToTotal, roundPercent } from '../../src/present/rounding.js';
import { createRandom } from '../../src/explain/bootstrap.js';

describe('the one rounding rule', () => {
  test('half away from zero on the decimal the value stands for, both signs', () => {
    assert.equal(roundHalfAwayFromZero(-164.97379350632684, 2), -164.97);
    assert.equal(roundHalfAwayFromZero(2.675, 2), 2.68); // stored as 2.67499999999999982…
    assert.equal(roundHalfAwayFromZero(-2.675, 2), -2.68);
    assert.equal(roundHalfAwayFromZero(1.005, 2), 1.01);
    assert.equal(roundHalfAwayFromZero(0.125, 2), 0.13);
    assert.equal(roundHalfAwayFromZero(-0.125, 2), -0.13);
    assert.equal(roundHalfAwayFromZero(12_345_678.905, 2), 12_345_678.91);
    assert.equal(roundHalfAwayFromZero(0.1 + 0.2, 2), 0.3);
    assert.equal(roundHalfAwayFromZero(18.333333333333332, 2), 18.33);
  });

  test('never -0: a value that rounds to zero is plain 0', () => {
    for (const value of [-0.004, -0.0049999, -1e-12, -0]) assert.ok(Object.is(roundHalfAwayFromZero(value, 2), 0), String(value));
    assert.equal(roundHalfAwayFromZero(-0.005, 2), -0.01);
    assert.equal(JSON.stringify(roundMoney(-0.001)), '0');
  });

  test('money, percentages and hours to two decimals; null stays null', () => {
    assert.equal(roundMoney(-43569.384999), -43569.38);
    assert.equal(roundPercent(-122.62356815175481), -122.62);
    assert.equal(roundHours(2998.255), 2998.26);
    assert.equal(roundMoney(null), null);
    assert.equal(roundPercent(null), null);
  });

  test('the metric layer rounds its measures by the same rule', () => {
    for (const value of [1.005, 2.675, -2.675, 0.125, -164.97379350632684, 12_345_678.905, -0.004]) {
      assert.ok(Object.is(round(value, 2), roundHalfAwayFromZero(value, 2)), String(value));
    }
  });
});

describe('rounding parts so they add up to the rounded total (largest remainder)', () => {
  const hundredths = (values: number[]): number => Math.round(values.reduce((s, v) => s + v, 0) * 100);

  test('rounded one by one they would not add up; apportioned they do', () => {
    assert.deepEqual(roundPartsToTotal([0.335, 0.335, 0.33], 1, 2), [0.33, 0.34, 0.33]);
    assert.deepEqual(roundPartsToTotal([-0.335, -0.335, -0.33], -1, 2), [-0.33, -0.34, -0.33]);
    // 1/3 each: 0.33 × 3 = 0.99, one part takes the missing hundredth.
    assert.deepEqual(roundPartsToTotal([1 / 3, 1 / 3, 1 / 3], 1, 2), [0.34, 0.33, 0.33]);
  });

  test('a part of exactly 0 stays 0; no part ends as -0', () => {
    const parts = roundPartsToTotal([0, 0.005, 0.005], 0.01, 2);
    assert.deepEqual(parts, [0, 0, 0.01]); // a tie: the earlier part gives up its rounded-up hundredth
    assert.ok(parts.every((p) => !Object.is(p, -0)));
  });

  test('random parts of both signs: the sum is exact and each part within one hundredth of its value', () => {
    const random = createRandom(20250601);
    for (let run = 0; run < 2000; run++) {
      const n = 1 + Math.floor(random() * 5);
      const parts = Array.from({ length: n }, () => (random() - 0.5) * 10 ** Math.floor(random() * 5));
      const total = parts.reduce((s, p) => s + p, 0);
      // As attribution does: the total shown is the difference of two rounded values.
      const shift = (random() - 0.5) * 1000;
      const shownTotal = roundPercent(total + shift) - roundPercent(shift);
      const rounded = roundPartsToTotal(parts, shownTotal, 2);
      assert.equal(hundredths(rounded), Math.round(shownTotal * 100), `${parts.join(', ')} → ${rounded.join(', ')}`);
      rounded.forEach((r, i) => {
        assert.ok(Math.abs(r - parts[i]!) <= 0.01 + 1e-9, `${parts[i]} → ${r}`);
        assert.equal(Math.round(r * 100) / 100, r, `${r} has more than two decimals`);
      });
    }
  });
});
