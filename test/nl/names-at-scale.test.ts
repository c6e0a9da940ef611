import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildVocabulary, closestClients, stripSuffixes } from '../../src/nl/entities.js';
import { understand } from '../../src/nl/grammar.js';
import { editDistance, nameKey } from '../../src/nl/tokenize.js';
import type { ClarifyUnderstanding, QueryUnderstanding } from '../../src/nl/understanding.js';
import { createCompanyNamer, INDUSTRIES } from '../../src/sample/company-names.js';
import { SeededRandom } from '../../src/sample/seeded-random.js';

/**
 * Names among 10,000 clients (the sample generator's, so many share words): the indexed
 * searches (alias-index.ts, name-search.ts) read typos, word starts and unknown names as a
 * comparison with every client would.
 */
const namer = createCompanyNamer(new SeededRandom(5, 'clients'));
const clients = Array.from({ length: 10_000 }, (_, i) => {
  const industry = INDUSTRIES[i % INDUSTRIES.length]!;
  return { id: `C${i}`, name: namer(industry), industry, status: 'active' };
});
const vocabulary = buildVocabulary({ clients, staff: ['Deepa Adams', 'Luis Ortega'], products: [], industries: [...INDUSTRIES] });
const ask = (question: string) => understand(question, { vocabulary, asOf: '2025-09-30' });
const keyOf = (name: string) => stripSuffixes(nameKey(name).split(' ')).join(' ');

/** What a comparison with every client finds within `limit` typos of `typed`. */
function scan(typed: string, limit: number): Array<{ id: string; name: string; distance: number }> {
  return clients.map((c) => ({ id: c.id, name: c.name, distance: editDistance(keyOf(typed), keyOf(c.name), limit) })).filter((c) => c.distance <= limit);
}

describe('names among 10,000 clients', () => {
  test('a long name with two typos is the one client within two typos of it', () => {
    const target = clients.find((c) => keyOf(c.name).length >= 16 && scan(c.name, 4).length === 1)!;
    const key = keyOf(target.name);
    // Two neighbouring letters swapped and one letter dropped, away from the first word's start.
    const typed = `${key.slice(0, 3)}${key[4]}${key[3]}${key.slice(5, 9)}${key.slice(10)}`;
    assert.equal(editDistance(typed, key), 2);
    const result = ask(`revenue for ${typed} in 2024`);
    assert.equal(result.kind, 'query', JSON.stringify(result));
    assert.deepEqual((result as QueryUnderstanding).plan.filters?.clients, [target.id]);
  });

  test('the start of each word finds the one client whose words start so', () => {
    const starts = (name: string) =>
      keyOf(name)
        .split(' ')
        .map((w) => w.slice(0, Math.max(3, w.length - 2)))
        .join(' ');
    const target = clients.find((c) => {
      const typed = starts(c.name);
      if (typed === keyOf(c.name) || /\d/.test(typed) || typed.split(' ').length !== 2) return false;
      const typedWords = typed.split(' ');
      const sharing = clients.filter((o) => {
        const words = keyOf(o.name).split(' ');
        return words.length === 2 && typedWords.every((w, i) => words[i]!.startsWith(w));
      });
      return sharing.length === 1 && scan(typed, 2).length === 0;
    })!;
    const result = ask(`hours for ${starts(target.name)} last quarter`);
    assert.equal(result.kind, 'query', JSON.stringify(result));
    assert.deepEqual((result as QueryUnderstanding).plan.filters?.clients, [target.id]);
  });

  test('"did you mean" offers the three clients nearest an unknown name, nearest first', () => {
    for (const typed of ['Copperfield Dairy', 'Zzyzx Quantum Holdings', 'Bayview Dental Partners']) {
      const cap = Math.floor(Math.max(3, keyOf(typed).length / 2));
      const expected = scan(typed, cap)
        .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
        .slice(0, 3)
        .map((c) => c.name);
      assert.deepEqual(closestClients(typed, vocabulary), expected, typed);
    }
    const result = ask('hours for Copperfield Dairy last quarter') as ClarifyUnderstanding;
    assert.equal(result.kind, 'clarify');
    assert.equal(result.suggestions.length, closestClients('Copperfield Dairy', vocabulary).length);
  });
});

describe('a client id given twice (hand-built rows)', () => {
  test('is still one client, under each of its names, never a choice between itself', () => {
    const twice = buildVocabulary({
      clients: [
        { id: 'A', name: 'Maple Motors Inc', industry: null, status: 'active' },
        { id: 'B', name: 'Maple Realty', industry: null, status: 'active' },
        { id: 'A', name: 'Maple Motors', industry: null, status: 'active' },
      ],
      staff: [],
      products: [],
      industries: [],
    });
    assert.equal(twice.aliases.filter((a) => a.entity.value === 'A').length, 1);
    assert.deepEqual(
      twice.prefixes.get('maple')?.map((e) => e.value),
      ['A', 'B'],
    );
    const result = understand('revenue for maple motors in 2024', { vocabulary: twice, asOf: '2025-09-30' });
    assert.deepEqual((result as QueryUnderstanding).plan.filters?.clients, ['A']);
  });
});
