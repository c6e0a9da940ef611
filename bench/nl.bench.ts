/**
 * `npm run bench:nl [-- --set <dir>] [--reps 5] [--large-clients 0]`: how long a plain-English
 * question takes. For every question of an evaluation set (default ../shared/nl), imported into
 * a scratch SQLite database: parsing alone (`understand`; wall and CPU time, the latter not
 * inflated when other processes hold the CPUs), the whole uncached answer
 * (`askQuestion`, the code path of `moatmetrics ask --json`, with the metric layer's result
 * cache, the semantic cache and the question cache cleared first), the same question asked
 * again (cached), and the metric layer's own time for the same plan (`runQuery`, cache off);
 * each in wall and CPU time. Audit events, written behind each answer, are flushed between
 * the timed steps, so no step pays for the previous one's. Each is the median of --reps runs per question; printed as p50/p99 over questions.
 * With --large-clients N the sample generator writes an N-client MSP and the same questions
 * (their names will mostly be unknown: they time the clarify path) are asked of it too.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { flushQueuedAudit } from '../src/governance/audit-log.js';
import { flushSecurityEvents } from '../src/governance/security-events.js';
import { importFile } from '../src/ingest/import-file.js';
import { clearResults } from '../src/metrics/result-cache.js';
import { openDatabase } from '../src/metrics/rollups/open-database.js';
import { runQuery } from '../src/metrics/run-query.js';
import { currentVersionNumber } from '../src/versions/versions-repository.js';
import { askQuestion } from '../src/nl/ask.js';
import { questionCacheOf } from '../src/nl/question-cache.js';
import { semanticCacheOf } from '../src/nl/semantic-cache.js';
import { buildVocabulary } from '../src/nl/entities.js';
import { understand } from '../src/nl/grammar.js';
import { readVocabulary } from '../src/nl/vocabulary-repository.js';
import { writeSampleMsp } from '../src/sample/index.js';
import { benchConfig, machine, scratchDir } from './bench-support.js';

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: '' },
    reps: { type: 'string', default: '5' },
    'large-clients': { type: 'string', default: '0' },
  },
});
const reps = Math.max(1, Number(values.reps));
const repoRoot = path.resolve(import.meta.dirname, '..');
const setDir = [values.set, '../shared/nl', '/work/shared/nl']
  .filter(Boolean)
  .map((d) => path.resolve(repoRoot, d!))
  .find((d) => existsSync(path.join(d, 'dev.jsonl')));
if (!setDir) throw new Error('no evaluation set found: pass --set <dir>');
const asOf = (JSON.parse(readFileSync(path.join(setDir, 'meta.json'), 'utf8')) as { as_of: string }).as_of;
const questions = readFileSync(path.join(setDir, 'dev.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => (JSON.parse(l) as { question: string }).question);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
/** CPU milliseconds of a synchronous step: unlike wall time, not inflated by other processes holding the CPUs. */
function cpuTimed(step: () => unknown): number {
  const started = process.cpuUsage();
  step();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}
async function timed(step: () => unknown): Promise<number> {
  const started = performance.now();
  await step();
  return performance.now() - started;
}
/** Wall and CPU milliseconds of an async step (the CPU of anything else the process runs meanwhile counts too). */
async function timedBoth(step: () => unknown): Promise<{ wall: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await step();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

async function benchOn(label: string, csvDir: string): Promise<void> {
  const dir = scratchDir(`nl-${label}`);
  const config = benchConfig(path.join(dir, 'data'));
  const database = await openDatabase(config);
  try {
    for (const dataset of ['clients', 'staff', 'invoices', 'time_logs', 'licenses']) {
      const file = path.join(csvDir, `${dataset}.csv`);
      if (!existsSync(file)) continue;
      const report = await importFile(database, config, { dataset, file, actor: 'bench' });
      if (report.status !== 'succeeded') throw new Error(`import of ${dataset} failed: ${report.message}`);
    }
    const vocabulary = buildVocabulary(await readVocabulary(database.kysely));
    const version = await currentVersionNumber(database.kysely);
    const parse: number[] = [];
    const parseCpu: number[] = [];
    const answer: number[] = [];
    const answerCpu: number[] = [];
    const cachedAnswer: number[] = [];
    const cachedCpu: number[] = [];
    const metric: number[] = [];
    const metricCpu: number[] = [];
    const ratio: number[] = [];
    const ratioCpu: number[] = [];
    // Audit events (and refusals' security events) are written behind the answer, in batches:
    // flushed before each timed step so that no step is charged with the previous one's.
    const settle = async (): Promise<void> => {
      await flushQueuedAudit(database.kysely);
      await flushSecurityEvents(database.kysely);
    };
    // One warm-up pass: the first question of a process pays for module and statement preparation.
    for (const q of questions) await askQuestion(database, config, q, { asOf, actor: 'bench' });
    for (const q of questions) {
      const p: number[] = [];
      const pc: number[] = [];
      const a: number[] = [];
      const ac: number[] = [];
      const c: number[] = [];
      const cc: number[] = [];
      const m: number[] = [];
      const mc: number[] = [];
      let plan = null;
      for (let i = 0; i < reps; i++) {
        p.push(await timed(() => understand(q, { vocabulary, asOf })));
        pc.push(cpuTimed(() => understand(q, { vocabulary, asOf })));
        // Uncached: neither the metric layer's result cache, the semantic cache of answers nor the question cache holds it.
        clearResults(database);
        semanticCacheOf(database).clear();
        questionCacheOf(database).clear();
        await settle();
        const uncached = await timedBoth(async () => {
          plan = (await askQuestion(database, config, q, { asOf, actor: 'bench' })).plan;
        });
        a.push(uncached.wall);
        ac.push(uncached.cpu);
        // Cached: the same question again, answered from the question and semantic caches.
        await settle();
        const cachedRun = await timedBoth(() => askQuestion(database, config, q, { asOf, actor: 'bench' }));
        c.push(cachedRun.wall);
        cc.push(cachedRun.cpu);
        if (plan) {
          clearResults(database);
          const thePlan = plan;
          await settle();
          const alone = await timedBoth(() => runQuery(database, config, thePlan, { useCache: false }));
          m.push(alone.wall);
          mc.push(alone.cpu);
        }
      }
      parse.push(median(p));
      parseCpu.push(median(pc));
      answer.push(median(a));
      answerCpu.push(median(ac));
      cachedAnswer.push(median(c));
      cachedCpu.push(median(cc));
      if (m.length) {
        metric.push(median(m));
        metricCpu.push(median(mc));
        ratio.push(median(a) / median(m));
        ratioCpu.push(median(ac) / median(mc));
      }
    }
    await flushQueuedAudit(database.kysely);
    await flushSecurityEvents(database.kysely);
    const row = (name: string, xs: number[], unit = 'ms'): string =>
      `| ${name} | ${xs.length} | ${percentile(xs, 50).toFixed(2)} ${unit} | ${percentile(xs, 99).toFixed(2)} ${unit} |`;
    process.stdout.write(
      `\n### ${label}: ${questions.length} questions of ${setDir}, dataset version ${version}, as of ${asOf}, median of ${reps} runs each\n\n`,
    );
    process.stdout.write('| what | questions | p50 | p99 |\n|---|---|---|---|\n');
    process.stdout.write(
      [
        row('parse alone (understand)', parse),
        row('parse alone, CPU time', parseCpu),
        row('uncached answer (askQuestion, result, semantic and question caches cleared)', answer),
        row('uncached answer, CPU time', answerCpu),
        row('cached answer (askQuestion, the same question again)', cachedAnswer),
        row('cached answer, CPU time', cachedCpu),
        row('metric layer alone, same plan (runQuery, cache off)', metric),
        row('metric layer alone, CPU time', metricCpu),
        row('uncached answer ÷ metric layer, per answered question', ratio, '×'),
        row('uncached answer ÷ metric layer, CPU time', ratioCpu, '×'),
        '',
      ].join('\n'),
    );
  } finally {
    await database.close();
  }
}

process.stdout.write(`Machine: ${machine()}\n`);
await benchOn('sample', path.join(setDir, 'data'));
const largeClients = Number(values['large-clients']);
if (largeClients > 0) {
  const dir = scratchDir('nl-large-csv');
  await writeSampleMsp(dir, { clients: largeClients, staff: Math.max(15, Math.round(largeClients / 20)), months: 18, endDate: asOf });
  await benchOn(`${largeClients}-client MSP`, dir);
}
