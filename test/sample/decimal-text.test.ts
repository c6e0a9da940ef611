import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvLine } from '../../src/sample/csv-text.js';
import { formatCents, formatQuarterHours } from '../../src/sample/decimal-text.js';

describe('formatCents', () => {
  it('prints whole cents with two decimals and a sign', () => {
    assert.equal(formatCents(0), '0.00');
    assert.equal(formatCents(5), '0.05');
    assert.equal(formatCents(30), '0.30');
    assert.equal(formatCents(123456), '1234.56');
    assert.equal(formatCents(-25000), '-250.00');
    assert.equal(formatCents(-7), '-0.07');
  });

  it('refuses fractions of a cent instead of printing float noise', () => {
    assert.throws(() => formatCents(0.1 + 0.2), RangeError);
  });
});

describe('formatQuarterHours', () => {
  it('prints quarter-hours as hours with two decimals', () => {
    assert.equal(formatQuarterHours(1), '0.25');
    assert.equal(formatQuarterHours(6), '1.50');
    assert.equal(formatQuarterHours(40), '10.00');
  });
});

describe('csvLine', () => {
  it('quotes only fields that need it', () => {
    assert.equal(csvLine(['a', 'b c', 'd,e', 'say "hi"']), 'a,b c,"d,e","say ""hi"""\n');
  });
});
