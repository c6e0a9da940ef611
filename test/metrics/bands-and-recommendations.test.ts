import assert from 'node:assert/strict';
import { test } from 'node:test';
import { licenseBand, marginBand, utilizationBand } from '../../src/analytics/bands.js';
import { recommendSeats } from '../../src/analytics/license-recommendation.js';

test('bands follow DESIGN section 4 at their edges', () => {
  assert.deepEqual([-0.01, 0, 19.99, 20, 39.99, 40, null].map(marginBand), ['losing_money', 'at_risk', 'at_risk', 'watch', 'watch', 'healthy', null]);
  assert.deepEqual([0, 49.99, 50, 79.99, 80, 100, 100.01, null].map(licenseBand), [
    'under_used',
    'under_used',
    'moderate',
    'moderate',
    'good',
    'good',
    'over_assigned',
    null,
  ]);
  assert.deepEqual([59.99, 60, 75, 85, 85.01].map(utilizationBand), ['under_used', 'on_target', 'on_target', 'on_target', 'burnout_risk']);
});

test('reclaim keeps the seats in use plus headroom and prices the saving', () => {
  // 33 used × 1.10 = 36.3 → 37 seats kept; 50 − 37 = 13 × $22.00 = $286.00 a month.
  const r = recommendSeats({ clientName: 'Acme', product: 'Microsoft 365 E3', seatsPurchased: 50, seatsUsed: 33, costPerSeat: 22 }, 10);
  assert.deepEqual(r, {
    action: 'reduce',
    recommendedSeats: 37,
    monthlySavings: 286,
    text: 'reduce Microsoft 365 E3 for Acme from 50 to 37 seats: saves $286.00/month',
  });
  assert.equal(recommendSeats({ clientName: 'Acme', product: 'Zoom', seatsPurchased: 10, seatsUsed: 10, costPerSeat: 15 }, 10).action, 'none');
  const over = recommendSeats({ clientName: 'Beta', product: 'Zoom Pro', seatsPurchased: 2, seatsUsed: 3, costPerSeat: 15 }, 10);
  assert.equal(over.action, 'true_up');
  assert.match(over.text, /buy 1 more or remove 1 user \(compliance risk\)/);
  assert.equal(recommendSeats({ clientName: 'Cy', product: 'Duo', seatsPurchased: 0, seatsUsed: 0, costPerSeat: 3 }, 10).action, 'none');
});
