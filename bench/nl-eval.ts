/**
 * `npm run eval:nl [-- <set dir>]`: measures how many questions of an evaluation set
 * `moatmetrics ask` answers right. The set's CSV files are imported into a temporary data
 * directory (embedded SQLite), every question is asked through `askQuestion` — the code path
 * of `moatmetrics ask --json` — with the set's as-of date, and judged by the set's rules.
 * Prints accuracy per category and every miss.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/load-config.js';
import { flushQueuedAudit } from '../src/governance/audit-log.js';
import { flushSecurityEvents } from '../src/governance/security-events.js';
import { importFile } from '../src/ingest/import-file.js';
import { openDatabase } from '../src/metrics/rollups/open-database.js';
import { askQuestion } from '../src/nl/ask.js';
import { judge, type Expectation } from './nl-judge.js';

interface SetQuestion {
  id: string;
  category: string;
  question: string;
  expect: Expectation;
}

const repoRoot = path.resolve(import.meta.dirname, '..');
const candidates = [process.argv[2], '../shared/nl', '../../shared/nl', '/work/shared/nl'].filter((d): d is string => Boolean(d));
const setDir = candidates
  .map((d) => path.resolve(repoRoot, d))
  .find((d) => existsSync(path.join(d, 'dev.jsonl')) || existsSync(path.join(d, 'questions.jsonl')));
if (!setDir) {
  process.stderr.write(`no evaluation set found (tried ${candidates.join(', ')}); pass its directory: npm run eval:nl -- <set dir>\n`);
  process.exit(2);
}
const questionsFile = ['dev.jsonl', 'test.jsonl', 'questions.jsonl'].map((f) => path.join(setDir, f)).find(existsSync)!;
const meta = JSON.parse(readFileSync(path.join(setDir, 'meta.json'), 'utf8')) as { as_of: string };
const questions = readFileSync(questionsFile, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as SetQuestion);

const dir = mkdtempSync(path.join(os.tmpdir(), 'mm-nl-eval-'));
const { config } = loadConfig({ env: {}, cwd: dir, overrides: { data_dir: path.join(dir, 'data'), 'database.url': '' } });
const database = await openDatabase(config);
try {
  const present = ['clients', 'staff', 'invoices', 'time_logs', 'licenses'].filter((dataset) => existsSync(path.join(setDir, 'data', `${dataset}.csv`)));
  // Without the clients every answer would be an empty table judged wrong: say what is missing instead.
  if (!present.includes('clients')) throw new Error(`${path.join(setDir, 'data')} holds no clients.csv: the set's data files are missing`);
  for (const dataset of present) {
    const file = path.join(setDir, 'data', `${dataset}.csv`);
    const report = await importFile(database, config, { dataset, file, actor: 'eval' });
    if (report.status !== 'succeeded') throw new Error(`import of ${dataset} failed: ${report.message}`);
  }
  const perCategory = new Map<string, { right: number; total: number }>();
  const misses: string[] = [];
  const started = performance.now();
  for (const q of questions) {
    const answer = await askQuestion(database, config, q.question, { asOf: meta.as_of, actor: 'eval' });
    const problem = judge(answer, q.expect);
    const tally = perCategory.get(q.category) ?? { right: 0, total: 0 };
    tally.total++;
    if (problem === null) tally.right++;
    else misses.push(`${q.id} [${q.category}] ${q.question.slice(0, 120)}\n    ${problem.slice(0, 400)}`);
    perCategory.set(q.category, tally);
  }
  const elapsed = performance.now() - started;
  await flushQueuedAudit(database.kysely);
  await flushSecurityEvents(database.kysely);
  const total = [...perCategory.values()].reduce((s, t) => ({ right: s.right + t.right, total: s.total + t.total }), { right: 0, total: 0 });
  const pct = (t: { right: number; total: number }): string => `${((100 * t.right) / t.total).toFixed(1)} %`;
  process.stdout.write(`Evaluation set ${setDir} (${questions.length} questions, as of ${meta.as_of})\n\n`);
  for (const [category, tally] of perCategory)
    process.stdout.write(`  ${category.padEnd(10)} ${String(tally.right).padStart(4)} / ${String(tally.total).padEnd(4)} ${pct(tally)}\n`);
  process.stdout.write(
    `\n  ${'all'.padEnd(10)} ${String(total.right).padStart(4)} / ${String(total.total).padEnd(4)} ${pct(total)}   (${(elapsed / questions.length).toFixed(1)} ms per question)\n`,
  );
  if (misses.length) process.stdout.write(`\nMisses:\n${misses.map((m) => `  ${m}`).join('\n')}\n`);
} finally {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
}
