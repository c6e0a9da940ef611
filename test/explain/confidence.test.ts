import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from '../../src/explain/bootstrap.js';
import { computeConfidence, outlierFlags, type Confidence, type ConfidenceFactor, type QualityInputs } from '../../src/explain/confidence.js';
import { normalSample } from './random-normal.js';

/** A year of clean data for one client. */
const perfect: QualityInputs = {
  hoursTotal: 1200,
  hoursWithCostRate: 1200,
  invoiceCount: 24,
  timeLogCount: 800,
  monthsCovered: 12,
  monthsWithInvoices: 12,
  monthsWithTimeLogs: 12,
  daysSinceLatestData: 3,
  missingFieldShare: 0,
  outlierShare: 0,
  assumptions: [],
};

const factor = (confidence: Confidence, name: string): ConfidenceFactor => {
  const found = confidence.factors.find((f) => f.name === name);
  assert.ok(found, `factor ${name}`);
  return found;
};

const largest = (confidence: Confidence) => [...confidence.factors].sort((a, b) => b.contribution - a.contribution)[0]?.name;

/** Σ contributions equals 1 − value in hundredths (the documented guarantee). */
function assertContributionsAddUp(confidence: Confidence) {
  const total = confidence.factors.reduce((sum, f) => sum + f.contribution, 0);
  assert.ok(Math.abs(total - (1 - confidence.value)) < 1e-9, `Σ ${total} vs 1 − ${confidence.value}`);
  assert.equal(
    confidence.factors.reduce((sum, f) => sum + Math.round(f.contribution * 100), 0),
    100 - Math.round(confidence.value * 100),
  );
}

describe('computeConfidence', () => {
  it('is at least 0.95 for perfect data, with nothing to improve', () => {
    const confidence = computeConfidence(perfect);
    assert.ok(confidence.value >= 0.95, `${confidence.value}`);
    assert.ok(confidence.factors.every((f) => f.improve === null));
    assertContributionsAddUp(confidence);
  });

  it('is noticeably lower when one staff member without a cost rate logged 30 % of hours', () => {
    const confidence = computeConfidence({
      ...perfect,
      hoursWithCostRate: 840,
      assumptions: ['default cost rate 45.00/h for 1 staff member'],
      defaultCostRate: 45,
    });
    assert.ok(confidence.value <= computeConfidence(perfect).value - 0.2, `${confidence.value}`);
    assert.equal(largest(confidence), 'cost_rate_coverage');
    const coverage = factor(confidence, 'cost_rate_coverage');
    assert.equal(coverage.score, 0.7);
    assert.equal(coverage.detail, '70 % of hours have a staff cost rate (30 % used the default 45.00/h)');
    assert.match(coverage.improve ?? '', /360\.0 hours/);
    assert.match(factor(confidence, 'assumptions').detail, /default cost rate 45\.00\/h for 1 staff member/);
    assertContributionsAddUp(confidence);
  });

  it('writes the detail of the design example', () => {
    const confidence = computeConfidence({ ...perfect, hoursTotal: 100, hoursWithCostRate: 92, defaultCostRate: 45 });
    assert.equal(factor(confidence, 'cost_rate_coverage').detail, '92 % of hours have a staff cost rate (8 % used the default 45.00/h)');
  });

  it('is below 0.7 for a tiny sample of 3 invoices, even with plenty of time logs', () => {
    const quarter = { ...perfect, monthsCovered: 3, monthsWithInvoices: 3, monthsWithTimeLogs: 3 };
    const confidence = computeConfidence({ ...quarter, invoiceCount: 3 });
    assert.ok(confidence.value < 0.7, `${confidence.value}`);
    assert.equal(largest(confidence), 'invoice_sample_size');
    assert.match(factor(confidence, 'invoice_sample_size').detail, /^3 invoices in the period: a small sample/);
    assert.ok(computeConfidence({ ...quarter, invoiceCount: 3, timeLogCount: 10 }).value < confidence.value);
  });

  it('is lower for stale data (200 days) than for fresh', () => {
    const fresh = computeConfidence(perfect);
    const stale = computeConfidence({ ...perfect, daysSinceLatestData: 200 });
    assert.ok(stale.value <= fresh.value - 0.15, `${fresh.value} → ${stale.value}`);
    assert.ok(stale.value < computeConfidence({ ...perfect, daysSinceLatestData: 100 }).value);
    // Within the 45-day grace period recency costs nothing.
    assert.equal(factor(computeConfidence({ ...perfect, daysSinceLatestData: 45 }), 'recency').score, 1);
    assert.match(factor(stale, 'recency').detail, /200 days before the as-of date/);
  });

  it('is monotone in every input', () => {
    const sweeps: [keyof QualityInputs, number[], 'up' | 'down'][] = [
      ['hoursWithCostRate', [0, 100, 600, 1100, 1199, 1200], 'up'],
      ['hoursTotal', [1200, 1300, 2000, 5000, 1e6], 'down'],
      ['invoiceCount', [0, 1, 2, 3, 5, 8, 13, 30, 100], 'up'],
      ['timeLogCount', [0, 1, 5, 20, 50, 100, 1000], 'up'],
      ['monthsWithInvoices', [0, 3, 6, 11, 12], 'up'],
      ['monthsWithTimeLogs', [0, 3, 6, 11, 12], 'up'],
      ['monthsCovered', [12, 13, 18, 36], 'down'],
      ['daysSinceLatestData', [0, 30, 45, 46, 90, 200, 365, 1000], 'down'],
      ['missingFieldShare', [0, 0.01, 0.1, 0.5, 1], 'down'],
      ['outlierShare', [0, 0.01, 0.1, 0.4, 0.5, 1], 'down'],
      ['inconsistentRowShare', [0, 0.01, 0.2, 1], 'down'],
    ];
    // From a middling starting point, so that rounding to 2 decimals does not hide changes.
    const middling: QualityInputs = {
      ...perfect,
      hoursWithCostRate: 1000,
      invoiceCount: 8,
      timeLogCount: 60,
      monthsWithInvoices: 11,
      daysSinceLatestData: 60,
      missingFieldShare: 0.05,
      outlierShare: 0.02,
      assumptions: ['one'],
      inconsistentRowShare: 0.01,
    };
    for (const [key, values, direction] of sweeps) {
      const results = values.map((value) => computeConfidence({ ...middling, [key]: value }).value);
      for (let i = 1; i < results.length; i++) {
        const [before, after] = [results[i - 1] as number, results[i] as number];
        assert.ok(direction === 'up' ? after >= before : after <= before, `${key}: ${results.join(' → ')}`);
      }
      const [first, last] = [results[0] as number, results[results.length - 1] as number];
      assert.ok(direction === 'up' ? last > first : last < first, `${key} has an effect: ${results.join(' → ')}`);
    }
    const byAssumptions = [0, 1, 2, 5].map(
      (n) => computeConfidence({ ...middling, assumptions: Array.from({ length: n }, (_, i) => `assumption ${i}`) }).value,
    );
    assert.deepEqual(
      [...byAssumptions].sort((a, b) => b - a),
      byAssumptions,
    );
    assert.ok((byAssumptions[3] as number) < (byAssumptions[0] as number));
  });

  it('splits 1 − value between the factors, in hundredths, for random inputs', () => {
    const random = createRandom(41);
    for (let trial = 0; trial < 300; trial++) {
      const monthsCovered = 1 + Math.floor(random() * 24);
      const hoursTotal = Math.round(random() * 2000 * 4) / 4;
      const inputs: QualityInputs = {
        hoursTotal,
        hoursWithCostRate: random() < 0.5 ? hoursTotal : Math.round(random() * hoursTotal * 4) / 4,
        invoiceCount: Math.floor(random() * 40),
        timeLogCount: Math.floor(random() * 400),
        monthsCovered,
        monthsWithInvoices: Math.floor(random() * (monthsCovered + 1)),
        monthsWithTimeLogs: Math.floor(random() * (monthsCovered + 1)),
        daysSinceLatestData: Math.floor(random() * 400),
        missingFieldShare: random() < 0.5 ? 0 : random() * 0.3,
        outlierShare: random() < 0.5 ? 0 : random() * 0.1,
        assumptions: random() < 0.7 ? [] : ['default cost rate 45.00/h for 2 staff members'],
        ...(random() < 0.5 ? { inconsistentRowShare: random() * 0.1 } : {}),
      };
      const confidence = computeConfidence(inputs);
      assert.ok(confidence.value >= 0 && confidence.value <= 1);
      assert.equal(confidence.value, Math.round(confidence.value * 100) / 100);
      assertContributionsAddUp(confidence);
      for (const f of confidence.factors) {
        assert.ok(f.contribution >= 0, `${f.name} ${f.contribution}`);
        if (f.score === 1) assert.equal(f.contribution, 0, `${f.name} is perfect but costs ${f.contribution}`);
        if (f.contribution > 0) assert.notEqual(f.improve, null, `${f.name} costs confidence but gives no advice`);
      }
    }
  });

  it('lets a person see why a number is low: the biggest contribution names the worst problem', () => {
    const confidence = computeConfidence({
      ...perfect,
      hoursWithCostRate: 1000,
      invoiceCount: 6,
      monthsWithInvoices: 10,
      daysSinceLatestData: 90,
    });
    const ordered = [...confidence.factors].filter((f) => f.contribution > 0).map((f) => f.name);
    assert.deepEqual(new Set(ordered), new Set(['cost_rate_coverage', 'invoice_sample_size', 'period_gaps', 'recency']));
    assert.equal(largest(confidence), 'cost_rate_coverage'); // 17 % of hours uncosted
    assert.match(factor(confidence, 'period_gaps').detail, /^Invoices in 10 of 12 months/);
    assert.match(factor(confidence, 'period_gaps').improve ?? '', /invoices for the 2 months without any/);
  });

  it('writes readable details and advice', () => {
    const confidence = computeConfidence({
      hoursTotal: 1234.5,
      hoursWithCostRate: 1000,
      invoiceCount: 1,
      timeLogCount: 1,
      monthsCovered: 1,
      monthsWithInvoices: 1,
      monthsWithTimeLogs: 0,
      daysSinceLatestData: 1,
      missingFieldShare: 0.004,
      outlierShare: 0.5,
      assumptions: ['license dates missing for 2 licenses, assumed active for the whole period'],
      inconsistentRowShare: 0.02,
    });
    for (const f of confidence.factors) {
      for (const text of [f.label, f.detail, f.improve ?? 'None.']) {
        assert.match(text, /^[A-Z0-9]/, `${f.name}: "${text}"`);
        assert.doesNotMatch(text, /NaN|undefined|Infinity|null|\[object|\d\.\d{4,}/, `${f.name}: "${text}"`);
      }
    }
    assert.equal(factor(confidence, 'invoice_sample_size').detail.startsWith('1 invoice in the period'), true);
    assert.match(factor(confidence, 'cost_rate_coverage').detail, /^81 % of hours have a staff cost rate \(19 % used the default cost rate\)$/);
    assert.match(factor(confidence, 'cost_rate_coverage').improve ?? '', /234\.5 hours/);
    assert.equal(factor(confidence, 'missing_fields').detail, '0.4 % of rows are missing optional fields that matter');
    assert.equal(factor(confidence, 'outliers').score, 0);
    assert.equal(confidence.value, 0, 'half the rows flagged as outliers leaves no confidence');
    assert.equal(factor(confidence, 'recency').improve, null);
  });

  it('re-weights per metric: weight 0 drops a factor', () => {
    const inputs = { ...perfect, hoursWithCostRate: 600 };
    const revenue = computeConfidence(inputs, { weights: { cost_rate_coverage: 0 } });
    assert.equal(
      revenue.factors.some((f) => f.name === 'cost_rate_coverage'),
      false,
    );
    assert.ok(revenue.value > computeConfidence(inputs).value);
    const doubled = computeConfidence(inputs, { weights: { cost_rate_coverage: 2 } });
    assert.equal(doubled.value, 0.25); // 0.5²
    assert.equal(factor(doubled, 'cost_rate_coverage').weight, 2);
    assert.throws(() => computeConfidence(inputs, { weights: { recency: -1 } }), RangeError);
    assert.throws(() => computeConfidence(inputs, { weights: { typo: 1 } as never }), RangeError);
  });

  it('lists inconsistent rows only when that share is given', () => {
    assert.equal(
      computeConfidence(perfect).factors.some((f) => f.name === 'inconsistent_rows'),
      false,
    );
    const given = computeConfidence({ ...perfect, inconsistentRowShare: 0.1 });
    assert.equal(factor(given, 'inconsistent_rows').score, 0.9);
  });

  it('handles a period without hours or months without complaint', () => {
    const confidence = computeConfidence({ ...perfect, hoursTotal: 0, hoursWithCostRate: 0, timeLogCount: 0 });
    assert.equal(factor(confidence, 'cost_rate_coverage').score, 1);
    assert.equal(factor(confidence, 'time_log_sample_size').score, 0);
    assert.equal(confidence.value, 0);
  });

  it('refuses impossible inputs', () => {
    assert.throws(() => computeConfidence({ ...perfect, hoursWithCostRate: 1300 }), RangeError);
    assert.throws(() => computeConfidence({ ...perfect, monthsWithInvoices: 13 }), RangeError);
    assert.throws(() => computeConfidence({ ...perfect, invoiceCount: -1 }), RangeError);
    assert.throws(() => computeConfidence({ ...perfect, daysSinceLatestData: Number.NaN }), RangeError);
    assert.throws(() => computeConfidence({ ...perfect, outlierShare: 1.5 }), RangeError);
    assert.throws(() => computeConfidence({ ...perfect, inconsistentRowShare: -0.1 }), RangeError);
    // Float noise from summing decimal hours is not an excess.
    assert.doesNotThrow(() => computeConfidence({ ...perfect, hoursWithCostRate: 1200.0000000001 }));
  });
});

describe('outlierFlags', () => {
  it('flags an obvious outlier and none of the normal points', () => {
    const values = normalSample(51, 1000, 100, 15);
    values.splice(500, 0, 100 + 15 * 20);
    const flags = outlierFlags(values);
    assert.equal(flags.length, values.length);
    assert.equal(flags[500], true);
    // A normal value passes |z| > 3.5 with probability ≈ 0.0005: about 0.5 false flags expected.
    assert.ok(flags.filter(Boolean).length <= 3, `${flags.filter(Boolean).length} flagged`);
  });

  it('is not fooled by the outlier itself, unlike mean ± 3 sd', () => {
    // One huge invoice among ten ordinary ones inflates the sd so much that mean ± 3.5 sd
    // could never flag it: with n = 11, |z| ≤ (n − 1)/√n ≈ 3.02.
    const invoices = [1000, 1020, 980, 1010, 990, 1005, 995, 1015, 985, 1000, 100_000];
    assert.deepEqual(outlierFlags(invoices), [...new Array<boolean>(10).fill(false), true]);
  });

  it('falls back to the mean absolute deviation when most values are identical', () => {
    assert.deepEqual(outlierFlags([1, 1, 1, 1, 1, 1, 1.25, 8]), [false, false, false, false, false, false, false, true]);
    assert.deepEqual(outlierFlags([5, 5, 5, 5]), [false, false, false, false]);
  });

  it('flags values that are not numbers, and judges nothing else with fewer than 3', () => {
    assert.deepEqual(outlierFlags([1, Number.NaN, 2, 3, 2]), [false, true, false, false, false]);
    assert.deepEqual(outlierFlags([1, 1000]), [false, false]);
    assert.deepEqual(outlierFlags([]), []);
  });
});
