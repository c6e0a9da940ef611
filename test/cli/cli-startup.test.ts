// How the installed command starts: compiled JavaScript under plain node (no TypeScript
// loader), loading only what the command needs, and quiet when its reader goes away.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { assertSucceeded, cliBin, cliEnv, removeScratchDirs, repoRoot, runProcess, scratchDir, shown, spawnTimeoutMs, stackTrace } from './cli-harness.js';

after(removeScratchDirs);

const traceHooks = path.join(repoRoot, 'test', 'support', 'module-trace', 'register.mjs');

/** Runs `node <script> <args>` and returns, besides the result, the URL of every module it loaded. */
async function runTraced(script: string, args: string[]): Promise<{ modules: string[]; result: Awaited<ReturnType<typeof runProcess>> }> {
  const traceFile = path.join(scratchDir(), 'modules.txt');
  const result = await runProcess(process.execPath, ['--import', traceHooks, script, ...args], { env: { MODULE_TRACE_FILE: traceFile } });
  let text = '';
  try {
    text = readFileSync(traceFile, 'utf8');
  } catch {
    // Nothing loaded through import: the assertions below say so.
  }
  return { modules: [...new Set(text.split('\n').filter(Boolean))], result };
}

/** The npm packages among the loaded modules, e.g. ['better-sqlite3', 'commander']. */
function packagesOf(modules: string[]): string[] {
  const names = modules.flatMap((url) => {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    return match ? [match[1]!] : [];
  });
  return [...new Set(names)].sort();
}

/** Loaded files of the project itself, relative to the repository. */
function ownFilesOf(modules: string[]): string[] {
  const root = new URL(`file://${repoRoot}`).href;
  return modules.filter((url) => url.startsWith(root) && !url.includes('/node_modules/')).map((url) => url.slice(root.length));
}

const heavy = ['fastify', 'pg', 'kysely', 'better-sqlite3', 'zod', 'yaml'];

describe('CLI start-up', { concurrency: true, timeout: 180_000 }, () => {
  test('bin/moatmetrics.js runs the built JavaScript in dist/ under plain node: no TypeScript, no tsx', async () => {
    const dataDir = path.join(scratchDir(), 'data');
    for (const args of [['--help'], ['--data-dir', dataDir, 'versions', 'list']]) {
      const { modules, result } = await runTraced(cliBin, args);
      assertSucceeded(result);
      const own = ownFilesOf(modules);
      assert.ok(own.includes('bin/moatmetrics.js'), own.join('\n'));
      assert.deepEqual(
        own.filter((file) => file !== 'bin/moatmetrics.js' && !file.startsWith('dist/')),
        [],
        `moatmetrics ${args.join(' ')} loaded files from outside dist/`,
      );
      assert.ok(!modules.some((url) => url.endsWith('.ts') || url.includes('/node_modules/tsx/')), `TypeScript loaded at run time:\n${modules.join('\n')}`);
    }
  });

  // The unbundled compiled modules show the structure: each command imports its implementation when it runs.
  test('--help loads no database, server or validation library', async () => {
    const { modules, result } = await runTraced(path.join(repoRoot, 'dist', 'cli', 'main.js'), ['--help']);
    assertSucceeded(result);
    assert.match(result.stdout, /Usage: moatmetrics/);
    assert.deepEqual(packagesOf(modules), ['commander'], `--help loaded:\n${modules.join('\n')}`);
  });

  test('versions list on SQLite loads neither the PostgreSQL driver nor the HTTP server', async () => {
    const dataDir = path.join(scratchDir(), 'data');
    const { modules, result } = await runTraced(path.join(repoRoot, 'dist', 'cli', 'main.js'), ['--data-dir', dataDir, 'versions', 'list']);
    assertSucceeded(result);
    const loaded = packagesOf(modules);
    for (const name of ['kysely', 'better-sqlite3']) assert.ok(loaded.includes(name), `${name} not loaded: ${loaded.join(', ')}`);
    const unwanted = loaded.filter(
      (name) => name === 'pg' || name.startsWith('pg-') || name.includes('fastify') || name.startsWith('pino') || name.includes('argon2'),
    );
    assert.deepEqual(unwanted, [], `versions list loaded: ${loaded.join(', ')}`);
  });

  test('a usage error loads nothing heavy either', async () => {
    const { modules, result } = await runTraced(path.join(repoRoot, 'dist', 'cli', 'main.js'), ['import', 'payroll', 'x.csv']);
    assert.equal(result.code, 2, shown(result));
    assert.deepEqual(
      packagesOf(modules).filter((name) => heavy.includes(name)),
      [],
      `a usage error loaded:\n${modules.join('\n')}`,
    );
  });

  test('stdout closed by its reader (`versions list | head -1`): no stack trace, exit 0', async () => {
    const dataDir = path.join(scratchDir(), 'data');
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [cliBin, '--data-dir', dataDir, 'versions', 'list'], {
        cwd: repoRoot,
        env: cliEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // The reader goes away before the command prints: its first write fails with EPIPE.
      child.stdout.destroy();
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`timed out; stderr: ${stderr}`));
      }, spawnTimeoutMs);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stderr });
      });
    });
    assert.doesNotMatch(result.stderr, stackTrace, result.stderr);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
  });
});
