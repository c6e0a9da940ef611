import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildVocabulary } from '../../src/nl/entities.js';
import { understand } from '../../src/nl/grammar.js';
import type { QueryUnderstanding, Understanding } from '../../src/nl/understanding.js';

/**
 * Questions as staff type them in a hurry — shorthand, no nouns, shouting, hyphenated names,
 * breakdowns by quarter, averages per client — against a made-up MSP. None of these
 * sentences is in an evaluation set.
 */
const vocabulary = buildVocabulary({
  clients: [
    { id: 'K1', name: 'Tri-County Law Partners', industry: 'Legal', status: 'churned' },
    { id: 'K2', name: 'Keystone Animal Rescue', industry: 'Non-profit', status: 'active' },
    { id: 'K3', name: 'Langford Homes', industry: 'Construction', status: 'active' },
    { id: 'K4', name: 'Langford & Alvarez Dermatology', industry: 'Healthcare', status: 'active' },
    { id: 'K5', name: 'Prescott Legal PLLC', industry: 'Legal', status: 'active' },
  ],
  staff: ['Deepa Adams', 'Jordan Brooks'],
  products: [
    { product: 'Duo MFA', vendor: 'Cisco' },
    { product: 'Acronis Cyber Protect', vendor: 'Acronis' },
  ],
  industries: ['Legal', 'Non-profit', 'Construction', 'Healthcare'],
});
const asOf = '2025-09-30';
const ask = (question: string): Understanding => understand(question, { vocabulary, asOf });
function answered(question: string): QueryUnderstanding {
  const result = ask(question);
  assert.equal(result.kind, 'query', `${question}: ${JSON.stringify(result)}`);
  return result as QueryUnderstanding;
}

describe('shorthand and names as staff type them', () => {
  test('lic, accts, w/, qtr, yr read as the words they stand for', () => {
    assert.deepEqual(answered('lic cost last month').plan.measures, ['license_cost']);
    assert.deepEqual(answered('lic waste by vendor').plan.groupBy, ['vendor']);
    const accounts = answered('top 3 accts by outstanding');
    assert.deepEqual([accounts.plan.groupBy, accounts.plan.limit], [['client'], 3]);
    assert.equal(answered('clients w/ over-assigned seats').shape, 'set');
    assert.deepEqual(answered('hrs this yr').plan.filters, { from: '2025-01-01', to: '2025-09-30' });
  });

  test('hyphenated and shouted names, a typo in a first word only one client has', () => {
    assert.deepEqual(answered('REVENUE FOR TRI-COUNTY LAW PARTNERS 2024').plan.filters?.clients, ['K1']);
    assert.deepEqual(answered('non-profit revenue 2024').plan.filters?.industries, ['Non-profit']);
    const typo = answered('keystne rev last 6 months');
    assert.deepEqual(typo.plan.filters?.clients, ['K2']);
    assert.ok(typo.parseConfidence < 1);
    // A shared first word stays a question, typo or not.
    assert.equal(ask('langford rev ytd').kind, 'clarify');
    assert.equal(ask('rev for acme corp 2024').kind, 'clarify');
  });
});

describe('shapes without the usual words', () => {
  test('"top 5 by rev": ranked rows with no noun are clients (staff for staff-only figures)', () => {
    const top = answered('top 5 by rev');
    assert.deepEqual([top.plan.groupBy, top.plan.limit, top.plan.sort], [['client'], 5, [{ by: 'revenue', direction: 'desc' }]]);
    assert.deepEqual(answered('worst 3 by gp 2024').plan.sort, [{ by: 'gross_profit', direction: 'asc' }]);
    assert.deepEqual(answered('top 3 by util ytd').plan.groupBy, ['staff']);
  });

  test('"clients with …", "clients losing $" list the rows that qualify', () => {
    const seats = answered('clients with over-assigned seats');
    assert.deepEqual(seats.plan.filters?.thresholds, [{ measure: 'over_assigned_seats', op: '>', value: 0 }]);
    assert.deepEqual(answered('clients losing $').plan.filters?.thresholds, [{ measure: 'gross_profit', op: '<', value: 0 }]);
    assert.deepEqual(answered('how many legal clients are active').plan.filters?.clientStatuses, ['active']);
  });

  test('a list of clients with no figure shows their contract value', () => {
    const list = answered('list clients in legal');
    assert.deepEqual([list.plan.measures, list.plan.groupBy, list.plan.filters?.industries], [['contract_value'], ['client'], ['Legal']]);
    assert.ok(list.notes.some((n) => /no figure named/.test(n)));
  });

  test('breakdowns by quarter, utilization by month', () => {
    const quarters = answered('rev by qtr');
    assert.deepEqual([quarters.shape, quarters.plan.groupBy, quarters.plan.sort], ['trend', ['quarter'], [{ by: 'quarter', direction: 'asc' }]]);
    assert.deepEqual(answered('gm% by quarter 2025').plan.groupBy, ['quarter']);
    assert.deepEqual(answered('revenue quarterly').plan.groupBy, ['quarter']);
    const util = answered('util by month this yr');
    assert.deepEqual([util.plan.measures, util.plan.groupBy], [['staff_utilization_pct'], ['month']]);
  });

  test('averages per client and per month are means of the grouped figure', () => {
    const perClient = answered('avg rev per client in 2024');
    assert.deepEqual([perClient.shape, perClient.plan.measures, perClient.plan.groupBy], ['mean_rows', ['revenue'], ['client']]);
    const perMonth = answered('average hrs per month ytd');
    assert.deepEqual([perMonth.shape, perMonth.plan.groupBy], ['mean_rows', ['month']]);
    // Revenue per month keeps its own measure (revenue ÷ calendar months).
    assert.deepEqual(answered('avg monthly rev 2024').plan.measures, ['average_monthly_revenue']);
  });
});
