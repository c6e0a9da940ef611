import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nameListOf, rangeStartingWith, searchNames } from '../../src/nl/name-search.js';
import { nameKey, editDistance } from '../../src/nl/tokenize.js';
import { createCompanyNamer, INDUSTRIES } from '../../src/sample/company-names.js';
import { SeededRandom } from '../../src/sample/seeded-random.js';

/**
 * The sorted-name typo search must find exactly the names a comparison with every name
 * finds (`editDistance`, swaps counting as one typo), with the same distances, while
 * reading only a small part of a large client list.
 */

const rng = new SeededRandom(11, 'name-search-test');
const letters = 'abcde ';
const randomWord = (length: number): string => Array.from({ length }, () => letters[rng.int(0, letters.length - 1)]).join('');

function misspell(word: string, typos: number): string {
  let out = word;
  for (let t = 0; t < typos && out.length > 1; t++) {
    const i = rng.int(0, out.length - 2);
    const kind = rng.int(0, 3);
    if (kind === 0) out = out.slice(0, i) + out[i + 1] + out[i] + out.slice(i + 2);
    else if (kind === 1) out = out.slice(0, i) + out.slice(i + 1);
    else if (kind === 2) out = `${out.slice(0, i)}x${out.slice(i)}`;
    else out = `${out.slice(0, i)}z${out.slice(i + 1)}`;
  }
  return out;
}

function searched(keys: string[], typed: string, limit: number, startingWith?: string): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  searchNames(nameListOf(keys.map((key, id) => ({ key, id }))), typed, { limit, startingWith, found: (id, distance) => void found.push([id, distance]) });
  return found.sort((a, b) => a[0] - b[0]);
}

function scanned(keys: string[], typed: string, limit: number, startingWith?: string): Array<[number, number]> {
  return keys
    .map((key, id): [number, number] => [id, editDistance(typed, key, limit)])
    .filter(([id, distance]) => distance <= limit && (startingWith === undefined || keys[id]!.startsWith(startingWith)));
}

describe('searchNames', () => {
  test('finds the same names at the same distances as editDistance over every name', () => {
    // A small alphabet with spaces: many near names, shared beginnings and duplicates.
    const keys = Array.from({ length: 400 }, () => randomWord(rng.int(1, 9)));
    keys.push(keys[0]!, keys[1]!);
    for (let round = 0; round < 300; round++) {
      const typed = rng.int(0, 1) === 0 ? misspell(keys[rng.int(0, keys.length - 1)]!, rng.int(0, 3)) : randomWord(rng.int(0, 10));
      const limit = rng.int(0, 4);
      const startingWith = rng.int(0, 3) === 0 ? typed.slice(0, 1) : undefined;
      assert.deepEqual(searched(keys, typed, limit, startingWith), scanned(keys, typed, limit, startingWith), `${typed} within ${limit}`);
    }
  });

  test('a swap of neighbouring letters is one typo', () => {
    assert.deepEqual(searched(['cedar foods', 'cedar fodos'], 'cedar fodos', 1), [
      [0, 1],
      [1, 0],
    ]);
  });

  test('a limit returned by `found` narrows the rest of the search, and names within it are all still found', () => {
    const keys = Array.from({ length: 300 }, () => randomWord(rng.int(3, 8)));
    for (let round = 0; round < 100; round++) {
      const typed = randomWord(rng.int(3, 8));
      const distances: number[] = [];
      const found: Array<[number, number]> = [];
      searchNames(nameListOf(keys.map((key, id) => ({ key, id }))), typed, {
        limit: 6,
        found: (id, distance) => {
          found.push([id, distance]);
          distances.push(distance);
          if (distances.length >= 3) return distances.sort((a, b) => a - b)[2];
        },
      });
      const closest = (list: Array<[number, number]>) => list.sort((a, b) => a[1] - b[1] || a[0] - b[0]).slice(0, 3);
      assert.deepEqual(closest(found), closest(scanned(keys, typed, 6)), typed);
    }
  });

  test('rangeStartingWith is the block of names with that beginning', () => {
    const list = nameListOf(['maple realty', 'maple motors', 'acme', 'mapleton', 'zenith'].map((key, id) => ({ key, id })));
    const [from, to] = rangeStartingWith(list, 'maple');
    assert.deepEqual(list.keys.slice(from, to), ['maple motors', 'maple realty', 'mapleton']);
    assert.deepEqual(rangeStartingWith(list, 'q'), [4, 4]);
  });

  test('with 10,000 client names a typo search fills under 1 % of the rows a scan of every name would', () => {
    const namer = createCompanyNamer(new SeededRandom(3, 'clients'));
    const keys = Array.from({ length: 10_000 }, (_, i) => nameKey(namer(INDUSTRIES[i % INDUSTRIES.length]!)));
    const list = nameListOf(keys.map((key, id) => ({ key, id })));
    const everyLetter = keys.reduce((sum, key) => sum + key.length, 0);
    for (const typed of [misspell(keys[42]!, 2), 'hours logged', 'copperfield dairy']) {
      const found: number[] = [];
      const filled = searchNames(list, typed, { limit: 2, found: (id) => void found.push(id) });
      assert.ok(filled < everyLetter / 100, `${typed}: ${filled} rows of ${everyLetter}`);
      assert.deepEqual(
        found.sort((a, b) => a - b),
        scanned(keys, typed, 2).map(([id]) => id),
        typed,
      );
    }
  });
});
