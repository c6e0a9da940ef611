import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The layout rules of docs/ARCHITECTURE.md, checked on every test run: lower layers never
 * import higher ones, and query-builder calls live in `*-repository.ts` modules (or in the
 * few directories that are SQL by nature, each named in the document with its reason).
 */

const src = fileURLToPath(new URL('../../src/', import.meta.url));

/** Lowest first; the same list as the map in docs/ARCHITECTURE.md. */
export const layers = [
  'errors',
  'config',
  'present',
  'export',
  'storage',
  'versions',
  'governance',
  'auth',
  'explain',
  'metrics',
  'ingest',
  'analytics',
  'nl',
  'operations',
  'sample',
  'api',
  'cli',
] as const;

/** Directories whose modules are SQL by nature (see docs/ARCHITECTURE.md, "Where SQL lives"). */
export const sqlDirectories = ['storage/', 'metrics/sources/', 'metrics/rollups/', 'ingest/writers/'];

const queryBuilderCall = /\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto)\(|\bsql`|\bsql<|\.prepare\(/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const relative = (file: string): string => path.relative(src, file).split(path.sep).join('/');
const layerOf = (file: string): string => relative(file).split('/')[0]!.replace(/\.ts$/, '');

describe('architecture', () => {
  const files = sourceFiles(src);

  test('every source directory has a place in the layer map', () => {
    const unknown = [...new Set(files.map(layerOf))].filter((layer) => !(layers as readonly string[]).includes(layer));
    assert.deepEqual(unknown, [], 'add the new directory to docs/ARCHITECTURE.md and to `layers` here');
  });

  test('no module imports a higher layer', () => {
    const upward: string[] = [];
    for (const file of files) {
      const from = layers.indexOf(layerOf(file) as (typeof layers)[number]);
      for (const match of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^;]*?from '(\.[^']+)'/gms)) {
        const target = path.resolve(path.dirname(file), match[1]!);
        const to = layers.indexOf(layerOf(target) as (typeof layers)[number]);
        if (to > from) upward.push(`${relative(file)} → ${relative(target)} (${layers[from]} imports ${layers[to]})`);
      }
    }
    assert.deepEqual(upward, []);
  });

  test('query-builder calls live in *-repository.ts modules', () => {
    const stray: string[] = [];
    for (const file of files) {
      const name = relative(file);
      if (name.endsWith('-repository.ts') || sqlDirectories.some((dir) => name.startsWith(dir))) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (queryBuilderCall.test(line)) stray.push(`${name}:${i + 1}: ${line.trim()}`);
        });
    }
    assert.deepEqual(stray, []);
  });
});
