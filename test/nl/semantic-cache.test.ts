import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalPlan } from '../../src/nl/canonical-plan.js';
import { SemanticCache, semanticCacheCounters } from '../../src/nl/semantic-cache.js';

const range = { from: '2024-01-01', to: '2025-06-30' };

test('canonical plans: sets sorted and the open period resolved; limits kept apart', () => {
  const a = canonicalPlan({ measures: ['revenue'], groupBy: ['client'], filters: { industries: ['Retail', 'Legal'], clients: ['C2', 'C1'] } }, range);
  const b = canonicalPlan(
    {
      measures: ['revenue'],
      groupBy: ['client'],
      filters: { clients: ['C1', 'C2', 'C1'], industries: ['Legal', 'Retail'], from: '2024-01-01', to: '2025-06-30' },
    },
    range,
  );
  assert.equal(JSON.stringify(a), JSON.stringify(b));
  const top5 = canonicalPlan({ measures: ['revenue'], groupBy: ['client'], sort: [{ by: 'revenue', direction: 'desc' }], limit: 5 }, range);
  const top10 = canonicalPlan({ measures: ['revenue'], groupBy: ['client'], sort: [{ by: 'revenue', direction: 'desc' }], limit: 10 }, range);
  assert.notEqual(JSON.stringify(top5), JSON.stringify(top10));
  assert.equal(canonicalPlan({ measures: [] }, range), null);
});

test('the cache: least recently used goes first, a new dataset version empties it, hits and misses counted', () => {
  const cache = new SemanticCache<string>(2);
  const before = semanticCacheCounters();
  cache.set(1, 'a', 'A');
  cache.set(1, 'b', 'B');
  assert.equal(cache.get(1, 'a'), 'A');
  cache.set(1, 'c', 'C');
  assert.equal(cache.get(1, 'b'), undefined, 'b was the least recently used');
  assert.deepEqual([cache.get(1, 'a'), cache.get(1, 'c')], ['A', 'C']);
  assert.equal(cache.get(2, 'a'), undefined, 'version 2: nothing of version 1 is served');
  assert.equal(cache.size, 0);
  const after = semanticCacheCounters();
  assert.deepEqual(
    [after.hits - before.hits, after.misses - before.misses, after.evictions - before.evictions, after.invalidations - before.invalidations],
    [3, 2, 1, 1],
  );
});
