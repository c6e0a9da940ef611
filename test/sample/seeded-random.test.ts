import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../../src/sample/seeded-random.js';

const draw = (rng: SeededRandom, n: number) => Array.from({ length: n }, () => rng.uint32());

describe('SeededRandom', () => {
  it('repeats a sequence for the same seed and stream', () => {
    assert.deepEqual(draw(new SeededRandom(42, 'staff'), 100), draw(new SeededRandom(42, 'staff'), 100));
  });

  it('gives different sequences for other seeds and other streams', () => {
    const base = draw(new SeededRandom(42, 'staff'), 10);
    assert.notDeepEqual(draw(new SeededRandom(43, 'staff'), 10), base);
    assert.notDeepEqual(draw(new SeededRandom(42, 'clients'), 10), base);
  });

  it('keeps its algorithm: pinned first outputs (sample files depend on them)', () => {
    const rng = new SeededRandom(20240501, 'pin');
    assert.deepEqual(draw(rng, 3), PINNED);
  });

  it('stays within bounds and covers them', () => {
    const rng = new SeededRandom(1);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const n = rng.int(-2, 3);
      assert.ok(Number.isInteger(n) && n >= -2 && n <= 3);
      seen.add(n);
      const x = rng.next();
      assert.ok(x >= 0 && x < 1);
    }
    assert.equal(seen.size, 6);
  });

  it('draws weighted indices in proportion to their weights', () => {
    const rng = new SeededRandom(2);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[rng.weightedIndex([1, 0, 3])]! += 1;
    assert.equal(counts[1], 0);
    assert.ok(Math.abs((counts[2] ?? 0) / 30_000 - 0.75) < 0.02, `${counts}`);
  });

  it('shuffles without losing or duplicating items', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = new SeededRandom(3).shuffled(items);
    assert.notDeepEqual(shuffled, items);
    assert.deepEqual(
      [...shuffled].sort((a, b) => a - b),
      items,
    );
  });
});

const PINNED = [4225302990, 1103174464, 2523043373];
