import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildVocabulary } from '../../src/nl/entities.js';
import { understand } from '../../src/nl/grammar.js';
import type { QueryUnderstanding } from '../../src/nl/understanding.js';

/**
 * A typo in a long first word is forgiven only as far as a word of that length may be
 * misspelt: "blackstne" is Blackstone Ventures, but "brightwater" (another company nobody
 * imported) is not Blackstone just because both start with b and the name is long.
 */
const vocabulary = buildVocabulary({
  clients: [
    { id: 'B1', name: 'Blackstone Ventures LLC', industry: 'Finance', status: 'active' },
    { id: 'B2', name: 'Harborview Dental', industry: 'Healthcare', status: 'active' },
  ],
  staff: ['Deepa Adams'],
  products: [],
  industries: ['Finance', 'Healthcare'],
});
const ask = (question: string) => understand(question, { vocabulary, asOf: '2025-09-30' });

describe('typos in the first word of a long name', () => {
  test('one or two slips in "blackstone" still find the client', () => {
    for (const question of ['revenue for blackstne in 2024', 'revenue for blakcstone in 2024']) {
      const result = ask(question);
      assert.equal(result.kind, 'query', question);
      assert.deepEqual((result as QueryUnderstanding).plan.filters?.clients, ['B1'], question);
    }
  });

  test('a different long word with the same first letter is an unknown name, not Blackstone', () => {
    const result = ask('revenue for brightwater in 2024');
    assert.equal(result.kind, 'clarify', JSON.stringify(result));
  });
});
