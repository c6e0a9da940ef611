import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { datasets } from '../../src/ingest/datasets/index.js';

test('docs/IMPORTING.md lists every dataset column with exactly its aliases', () => {
  const doc = readFileSync(new URL('../../docs/IMPORTING.md', import.meta.url), 'utf8');
  for (const dataset of Object.values(datasets)) {
    const section: string | undefined = doc.split(`### ${dataset.name}\n`)[1]?.split('\n### ')[0];
    assert.ok(section, `section for ${dataset.name}`);
    for (const [field, spec] of Object.entries(dataset.fields)) {
      const row: string | undefined = section.split('\n').find((line) => line.startsWith(`| \`${field}\` |`));
      assert.ok(row, `${dataset.name}.${field} documented`);
      const documented: string[] = [...row.split('|')[3]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
      assert.deepEqual(documented, [...spec.aliases], `${dataset.name}.${field} aliases`);
    }
  }
});

test('docs/IMPORTING.md has a section for every vendor preset, named by its id', async () => {
  const { presets } = await import('../../src/ingest/presets/index.js');
  const doc = readFileSync(new URL('../../docs/IMPORTING.md', import.meta.url), 'utf8');
  for (const preset of presets) assert.ok(doc.includes(`### ${preset.name} (\`${preset.id}\`)`), `section for ${preset.id}`);
});
