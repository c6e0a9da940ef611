import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { errorCatalogue } from '../src/errors.js';

test('docs/ERRORS.md lists exactly the catalogue, with the same HTTP statuses', () => {
  const doc = readFileSync(new URL('../docs/ERRORS.md', import.meta.url), 'utf8');
  const documented = new Map([...doc.matchAll(/^\| `(MM_[A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1]!, Number(m[2])]));
  const declared = new Map(Object.entries(errorCatalogue).map(([code, spec]) => [code, spec.status]));
  assert.deepEqual([...documented.keys()].sort(), [...declared.keys()].sort());
  for (const [code, status] of declared) assert.equal(documented.get(code), status, code);
});
