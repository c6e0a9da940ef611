import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cellText, dateText, FORMULA_ERROR_TEXT, FormulaWithoutResult, numberText } from '../../src/ingest/xlsx/cell-text.js';

test('numbers read as Excel shows them: no binary noise, no exponent', () => {
  assert.equal(numberText(1234.5), '1234.5');
  assert.equal(numberText(0.1 + 0.2), '0.3');
  assert.equal(numberText(1.1 * 3), '3.3');
  assert.equal(numberText(-12), '-12');
  assert.equal(numberText(-0), '0');
  assert.equal(numberText(1.5e-7), '0.00000015');
  assert.equal(numberText(-2.5e-9), '-0.0000000025');
  assert.equal(numberText(1e21), '1000000000000000000000');
  assert.equal(numberText(1.2345e22), '12345000000000000000000');
  assert.equal(numberText(123456789012), '123456789012');
});

test('dates become ISO days; a time of day is kept after a space; a time alone is a duration', () => {
  assert.equal(dateText(new Date(Date.UTC(2025, 2, 31)), false), '2025-03-31');
  assert.equal(dateText(new Date(Date.UTC(2025, 2, 31, 9, 30)), false), '2025-03-31 09:30');
  assert.equal(dateText(new Date(Date.UTC(2025, 2, 31, 9, 30, 15)), false), '2025-03-31 09:30:15');
  // exceljs rounds serials to the millisecond: 0.1 s off midnight is still the day.
  assert.equal(dateText(new Date(Date.UTC(2025, 2, 31) + 1), false), '2025-03-31');
  assert.equal(dateText(new Date(Date.UTC(1899, 11, 30, 1, 30)), false), '1:30');
  assert.equal(dateText(new Date(Date.UTC(1904, 0, 1, 7, 45)), true), '7:45');
});

test('each kind of cell value becomes the text the CSV path would see', () => {
  assert.equal(cellText(null, undefined, false), '');
  assert.equal(cellText(true, undefined, false), 'true');
  assert.equal(cellText(false, undefined, false), 'false');
  assert.equal(cellText({ richText: [{ text: 'Acme ' }, { text: 'Corp' }] }, undefined, false), 'Acme Corp');
  assert.equal(cellText({ text: 'ticket 7', hyperlink: 'https://x.example' }, undefined, false), 'ticket 7');
  assert.equal(cellText({ error: '#DIV/0!' }, undefined, false), '#DIV/0!');
  assert.equal(cellText({ formula: 'A1+A2', result: 0.1 + 0.2 }, 'General', false), '0.3');
  assert.equal(cellText({ formula: 'A1+7', result: 45747 }, 'dd/mm/yyyy', false), '2025-03-31');
  assert.equal(cellText({ formula: 'A1+7', result: 45747 }, '#,##0.00 [$€-407]', false), '45747');
  assert.equal(cellText({ formula: 'B2', result: 'Acme' }, undefined, false), 'Acme');
  assert.equal(cellText({ formula: 'VLOOKUP(1,A:A,2)', result: Number.NaN }, undefined, false), FORMULA_ERROR_TEXT);
  assert.ok(cellText({ formula: '1+1' }, undefined, false) instanceof FormulaWithoutResult);
});
