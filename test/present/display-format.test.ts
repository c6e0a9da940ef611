import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { countOf, displayFormat } from '../../src/present/display-format.js';

describe('numbers as the CLI prints them', () => {
  test('money: one ASCII minus before the symbol, grouped, to the cent', () => {
    const { money } = displayFormat('USD');
    assert.equal(money(-164.97379350632684), '-$164.97');
    assert.equal(money(1_234_567.5), '$1,234,567.50');
    assert.equal(money(-43_569.375), '-$43,569.38');
    assert.equal(money(null), '—');
    for (const text of [money(-164.97), money(-0.5)]) {
      assert.doesNotMatch(text, /\$-|--|−/);
      assert.equal([...text].filter((c) => c === '-').length, 1);
    }
  });

  test('a value that rounds to zero prints without a minus', () => {
    const { money, percent, hours, decimal } = displayFormat('EUR');
    assert.equal(money(-0.004), '€0.00');
    assert.equal(money(-0), '€0.00');
    assert.equal(percent(-0.001), '0.00 %');
    assert.equal(hours(-0), '0.00 h');
    assert.equal(decimal(-0.0049), '0.00');
  });

  test('the configured currency sets the symbol; two decimals whatever the currency', () => {
    assert.equal(displayFormat('EUR').money(-164.97), '-€164.97');
    assert.equal(displayFormat('GBP').money(1234.5), '£1,234.50');
    assert.equal(displayFormat('CHF').money(-12), '-CHF 12.00');
    assert.equal(displayFormat('JPY').money(1234), '¥1,234.00');
    assert.equal(displayFormat().currency, 'USD');
  });

  test('percentages and hours: two decimals, hours grouped by thousands', () => {
    const { percent, hours } = displayFormat();
    assert.equal(percent(-65), '-65.00 %');
    assert.equal(percent(18.333333), '18.33 %');
    assert.equal(percent(2.675), '2.68 %');
    assert.equal(percent(null), '—');
    assert.equal(hours(12_345.5), '12,345.50 h');
    assert.equal(hours(0.125), '0.13 h');
  });

  test('nouns agree with their count', () => {
    assert.equal(countOf(1, 'client'), '1 client');
    assert.equal(countOf(2, 'client'), '2 clients');
    assert.equal(countOf(0, 'error'), '0 errors');
    assert.equal(countOf(1_204, 'row'), '1,204 rows');
    assert.equal(countOf(1, 'entry', 'entries'), '1 entry');
    assert.equal(countOf(3, 'entry', 'entries'), '3 entries');
  });
});
