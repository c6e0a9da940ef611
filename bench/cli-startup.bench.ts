/**
 * CLI start-up: wall time of `moatmetrics --help` and `moatmetrics versions list` (on a data
 * dir holding the demo data) through the built binary, bin/moatmetrics.js, against bare
 * `node -e 0` in the same run. The commands take turns, so a machine that gets busier
 * mid-run slows them all alike. Goal (issue 9): both < 300 ms median.
 *
 * npm run bench:cli [-- --runs 30] [--compare]
 *   --compare also times the unlinked compiled modules (node dist/cli/main.js) and the
 *             TypeScript sources through tsx (npm run cli), for docs/PERFORMANCE.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { scratchDir } from './bench-support.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, compare: { type: 'boolean', default: false } } });
const runs = Number(values.runs);

const root = path.resolve(import.meta.dirname, '..');
const bin = path.join(root, 'bin', 'moatmetrics.js');
if (!existsSync(path.join(root, 'dist', '.build-complete'))) {
  process.stderr.write('dist/ is not built: run `npm run build` first\n');
  process.exit(1);
}

const dataDir = path.join(scratchDir('cli-startup'), 'data');
const env: NodeJS.ProcessEnv = { ...process.env, MOATMETRICS_DATA_DIR: dataDir };
for (const name of Object.keys(env)) if (name.startsWith('MOATMETRICS_') && name !== 'MOATMETRICS_DATA_DIR') delete env[name];
const demo = spawnSync(process.execPath, [bin, 'demo'], { cwd: root, env, encoding: 'utf8' });
if (demo.status !== 0) throw new Error(`moatmetrics demo failed: ${demo.stderr}`);

interface Case {
  label: string;
  args: string[];
}

const cases: Case[] = [
  { label: 'node -e 0 (baseline)', args: ['-e', '0'] },
  { label: 'moatmetrics --help', args: [bin, '--help'] },
  { label: 'moatmetrics versions list', args: [bin, 'versions', 'list'] },
];
if (values.compare) {
  const modules = path.join(root, 'dist', 'cli', 'main.js');
  const sources = ['--import', 'tsx', path.join(root, 'src', 'cli', 'main.ts')];
  cases.push(
    { label: 'node dist/cli/main.js --help (unlinked modules)', args: [modules, '--help'] },
    { label: 'node dist/cli/main.js versions list (unlinked modules)', args: [modules, 'versions', 'list'] },
    { label: 'tsx src/cli/main.ts --help (sources, npm run cli)', args: [...sources, '--help'] },
    { label: 'tsx src/cli/main.ts versions list (sources, npm run cli)', args: [...sources, 'versions', 'list'] },
  );
}

const times = new Map<Case, number[]>(cases.map((c) => [c, []]));
for (let run = 0; run < runs; run++) {
  for (const c of cases) {
    const started = performance.now();
    const result = spawnSync(process.execPath, c.args, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = performance.now() - started;
    if (result.status !== 0) throw new Error(`${c.label} exited ${result.status}: ${result.stderr.toString()}`);
    times.get(c)!.push(ms);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const baseline = [...times.get(cases[0]!)!].sort((a, b) => a - b);
const [load1] = os.loadavg();
const machine = `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), node ${process.version}`;
process.stdout.write(`CLI start-up, ${runs} runs each, taking turns; ${machine}, load average ${load1!.toFixed(2)} at the end\n`);
process.stdout.write(`${'command'.padEnd(58)} ${'median'.padStart(8)} ${'p90'.padStart(8)} ${'median − baseline'.padStart(18)}\n`);
for (const c of cases) {
  const sorted = [...times.get(c)!].sort((a, b) => a - b);
  const median = percentile(sorted, 50);
  const overBaseline = c === cases[0] ? '' : `${(median - percentile(baseline, 50)).toFixed(0)} ms`;
  const cells = [`${median.toFixed(0)} ms`.padStart(8), `${percentile(sorted, 90).toFixed(0)} ms`.padStart(8), overBaseline.padStart(18)];
  process.stdout.write(`${c.label.padEnd(58)} ${cells.join(' ')}\n`);
}
