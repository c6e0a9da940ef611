// `npm start` stopped the ways an operator stops it: SIGTERM to npm (a service manager, kill),
// Ctrl-C (SIGINT to the terminal's whole process group), or npm killed outright. Each time
// the server must close its port, remove its lock, print that it stopped and exit, and npm
// must report success.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { clientsCsv } from '../support/small-msp.js';
import { assertSucceeded, cliEnv, removeScratchDirs, repoRoot, runCli, scratchDir, spawnTimeoutMs, writeScratchFile } from './cli-harness.js';

const started: ChildProcess[] = [];

after(() => {
  for (const npm of started) {
    try {
      process.kill(-npm.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  removeScratchDirs();
});

interface NpmStart {
  npm: ChildProcess;
  /** The server's own process (from its lock file), npm's child. */
  serverPid: number;
  port: number;
  lockFile: string;
  output(): string;
  /** npm's exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `npm start` in its own process group, like a terminal's foreground job, on a data dir that already has data (no demo load). */
async function npmStart(): Promise<NpmStart> {
  const dir = scratchDir();
  const dataDir = path.join(dir, 'data');
  assertSucceeded(await runCli(['import', 'clients', writeScratchFile(dir, 'clients.csv', clientsCsv)], { dataDir }));
  const npm = spawn('npm', ['start'], {
    cwd: repoRoot,
    env: cliEnv({ MOATMETRICS_DATA_DIR: dataDir, MOATMETRICS_SERVER_HOST: '127.0.0.1', MOATMETRICS_SERVER_PORT: '0', MOATMETRICS_LOG_LEVEL: 'warn' }),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(npm);
  let out = '';
  npm.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  npm.stderr!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => npm.on('exit', (code, signal) => resolve({ code, signal })));
  const listening = await waitFor(
    () => /is listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out),
    spawnTimeoutMs,
    () => `npm start did not start listening\n${out}`,
  );
  const lockFile = path.join(dataDir, 'server.lock');
  const { pid } = JSON.parse(readFileSync(lockFile, 'utf8')) as { pid: number };
  return { npm, serverPid: pid, port: Number(listening[1]), lockFile, output: () => out, exited };
}

async function waitFor<T>(probe: () => T | null | false | Promise<T | null | false>, timeoutMs: number, failure: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(failure());
    await sleep(100);
  }
}

function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The server went away cleanly: said so, its process ended, port closed, lock removed. */
async function assertStoppedCleanly(run: NpmStart, reason: RegExp): Promise<void> {
  await waitFor(
    () => !isRunning(run.serverPid),
    20_000,
    () => `server process ${run.serverPid} still running\n${run.output()}`,
  );
  assert.match(run.output(), reason, run.output());
  assert.match(run.output(), /MoatMetrics stopped\.\n/, run.output());
  assert.doesNotMatch(run.output(), /\n\s+at /, run.output());
  assert.equal(await portIsOpen(run.port), false, `port ${run.port} still accepts connections`);
  assert.equal(existsSync(run.lockFile), false, 'server.lock was left behind');
}

describe('npm start stops cleanly', { concurrency: true, timeout: 240_000 }, () => {
  test('SIGTERM to npm: the server stops, npm exits 0', async () => {
    const run = await npmStart();
    assert.ok(await portIsOpen(run.port));
    run.npm.kill('SIGTERM');
    assert.deepEqual(await run.exited, { code: 0, signal: null }, run.output());
    await assertStoppedCleanly(run, /Stopping \(SIGTERM\)/);
  });

  test('Ctrl-C (SIGINT to the whole process group): the server stops once, npm exits 0', async () => {
    const run = await npmStart();
    process.kill(-run.npm.pid!, 'SIGINT');
    assert.deepEqual(await run.exited, { code: 0, signal: null }, run.output());
    await assertStoppedCleanly(run, /Stopping \(SIGINT\)/);
    // npm passes the terminal's SIGINT on as well; the echo must not cut the clean stop short.
    assert.doesNotMatch(run.output(), /again: stopping at once/, run.output());
  });

  test('npm killed outright (SIGKILL): the server notices its parent is gone and stops', async () => {
    const run = await npmStart();
    run.npm.kill('SIGKILL');
    await run.exited;
    await assertStoppedCleanly(run, /Stopping \(parent process exited\)/);
  });
});
