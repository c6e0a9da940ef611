// Runs the real `moatmetrics` command as a child process, the way a user does, in scratch
// data dirs: bin/moatmetrics.js, i.e. the compiled JavaScript in dist/ under plain node. The
// build is brought up to date first (see ensureBuilt), so the tests always run the sources
// as they are now. Every wait is bounded: a hung child is killed and the test fails with its output.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { DatasetVersion } from '../../src/versions/versions-repository.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const cliBin = path.join(repoRoot, 'bin', 'moatmetrics.js');

/** Generous: a start takes a fraction of a second alone, much more when the tests run side by side. */
export const spawnTimeoutMs = 90_000;

/** What the build reads: a change to any of these (or a file added to or removed from src/) makes dist/ stale. */
const buildInputs = ['src', 'scripts/build.mjs', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];
const buildMarker = path.join(repoRoot, 'dist', '.build-complete');

function newestChange(target: string): number {
  const info = statSync(target);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const name of readdirSync(target)) newest = Math.max(newest, newestChange(path.join(target, name)));
  return newest;
}

function buildIsCurrent(): boolean {
  let builtAt: number;
  try {
    builtAt = statSync(buildMarker).mtimeMs;
  } catch {
    return false;
  }
  return buildInputs.every((input) => newestChange(path.join(repoRoot, input)) <= builtAt);
}

/**
 * Runs `npm run build` when dist/ is missing or older than the sources, once for test files
 * running side by side (a directory is the lock; one left by a killed run is taken over after
 * five minutes).
 */
async function ensureBuilt(): Promise<void> {
  const lock = path.join(repoRoot, '.build-lock');
  const deadline = Date.now() + 5 * 60_000;
  while (!buildIsCurrent()) {
    try {
      mkdirSync(lock);
    } catch {
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 5 * 60_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited 5 minutes for another test run to finish building dist/ (${lock})`);
      await sleep(250);
      continue;
    }
    try {
      if (buildIsCurrent()) return;
      const built = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, encoding: 'utf8' });
      if (built.status !== 0) throw new Error(`npm run build failed (exit ${built.status}):\n${built.stdout}\n${built.stderr}`);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

await ensureBuilt();

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Passed as --data-dir before the command. */
  dataDir?: string;
  /** Extra environment variables (the test process's MOATMETRICS_* variables are never inherited). */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Written to the child's standard input, which is then closed. */
  stdin?: string;
  /** Working directory (default: the repository). */
  cwd?: string;
}

/** The test's environment without MOATMETRICS_* (e.g. MOATMETRICS_TEST_PG is not a config key) or test-runner variables. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('MOATMETRICS_') || name.startsWith('NODE_TEST') || name === 'NODE_OPTIONS') continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

// The CLI is CPU-bound while it starts; many more children than cores only makes each one slower.
const maxChildren = os.availableParallelism() + 1;
let runningChildren = 0;
const waiting: Array<() => void> = [];

async function withChildSlot<T>(body: () => Promise<T>): Promise<T> {
  if (runningChildren >= maxChildren) await new Promise<void>((resolve) => waiting.push(resolve));
  runningChildren += 1;
  try {
    return await body();
  } finally {
    runningChildren -= 1;
    waiting.shift()?.();
  }
}

/** `moatmetrics <args>`; resolves with the exit code and both outputs, whatever the code. */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  const fullArgs = [cliBin, ...(options.dataDir ? ['--data-dir', options.dataDir] : []), ...args];
  return runProcess(process.execPath, fullArgs, options);
}

/** Any command, with the CLI's environment, cwd and bounded wait. */
export function runProcess(command: string, args: string[], options: RunOptions = {}): Promise<CliResult> {
  const timeoutMs = options.timeoutMs ?? spawnTimeoutMs;
  return withChildSlot(
    () =>
      new Promise<CliResult>((resolve, reject) => {
        const child = spawn(command, args, {
          cwd: options.cwd ?? repoRoot,
          env: cliEnv(options.env),
          stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        });
        if (options.stdin !== undefined) child.stdin!.end(options.stdin);
        let stdout = '';
        let stderr = '';
        child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
        child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`timed out after ${timeoutMs} ms: ${describeCommand(args)}\nstdout: ${stdout}\nstderr: ${stderr}`));
        }, timeoutMs);
        child.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          resolve({ code, signal, stdout, stderr });
        });
      }),
  );
}

function describeCommand(args: string[]): string {
  return args.map((a) => (a === cliBin ? 'moatmetrics' : a)).join(' ');
}

/** Both outputs, for assertion messages. */
export function shown(result: CliResult): string {
  return `exit ${result.code}${result.signal ? ` (${result.signal})` : ''}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
}

/** A node stack frame line, which a user must never see. */
export const stackTrace = /\n\s+at /;

export function assertSucceeded(result: CliResult): void {
  assert.equal(result.code, 0, shown(result));
  assert.doesNotMatch(result.stderr, stackTrace, shown(result));
}

/**
 * A user error: exit 1 (or `code`), nothing on stdout, exactly one line on stderr that
 * starts with `error: ` and matches `message`, no stack trace.
 */
export function assertOneLineError(result: CliResult, message: RegExp | string, code = 1): void {
  assert.equal(result.code, code, shown(result));
  assert.doesNotMatch(result.stderr, stackTrace, shown(result));
  assert.equal(result.stdout, '', shown(result));
  const lines = result.stderr.split('\n').filter((line) => line !== '');
  assert.equal(lines.length, 1, `expected one line on stderr\n${shown(result)}`);
  assert.match(lines[0]!, /^error: /, shown(result));
  if (typeof message === 'string') assert.ok(lines[0]!.includes(message), `stderr lacks ${JSON.stringify(message)}\n${shown(result)}`);
  else assert.match(lines[0]!, message, shown(result));
}

export interface VersionsListing {
  current: number;
  versions: DatasetVersion[];
}

/** `versions list --json`, parsed. */
export async function listVersionsJson(dataDir: string): Promise<VersionsListing> {
  const result = await runCli(['versions', 'list', '--json'], { dataDir });
  assertSucceeded(result);
  return JSON.parse(result.stdout) as VersionsListing;
}

const scratchDirs: string[] = [];

/** A fresh directory under the OS temp dir, removed by `removeScratchDirs`. */
export function scratchDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mm-cli-'));
  scratchDirs.push(dir);
  return dir;
}

export function writeScratchFile(dir: string, name: string, content: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

export function removeScratchDirs(): void {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A long-running child (`serve`) whose stdout can be waited on, and which is always stopped. */
export interface ServeProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout; rejects on exit or timeout. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends `signal` and waits for the exit; SIGKILLs and rejects if it does not come in time. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const liveChildren = new Set<ChildProcess>();

export function startCli(args: string[], options: RunOptions = {}): ServeProcess {
  const fullArgs = [cliBin, ...(options.dataDir ? ['--data-dir', options.dataDir] : []), ...args];
  const child = spawn(process.execPath, fullArgs, { cwd: repoRoot, env: cliEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  liveChildren.add(child);
  let out = '';
  let err = '';
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      exited = { code, signal };
      liveChildren.delete(child);
      resolve(exited);
    });
  });
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const report = (): string => `--- stdout ---\n${out}\n--- stderr ---\n${err}`;

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitForStdout(pattern, timeoutMs = spawnTimeoutMs) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const match = out.match(pattern);
          if (!match) return false;
          cleanup();
          resolve(match);
          return true;
        };
        const onExit = (): void => {
          if (check()) return;
          cleanup();
          reject(new Error(`exited (${JSON.stringify(exited)}) before printing ${pattern}\n${report()}`));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${pattern} on stdout within ${timeoutMs} ms\n${report()}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          child.stdout!.off('data', check);
          child.off('close', onExit);
        };
        if (check()) return;
        if (exited) return onExit();
        child.stdout!.on('data', check);
        child.on('close', onExit);
      });
    },
    async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
      if (exited) return exited;
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
      const result = await Promise.race([exit, timedOut]);
      clearTimeout(timer);
      if (result) return result;
      child.kill('SIGKILL');
      await exit;
      throw new Error(`did not exit within ${timeoutMs} ms of ${signal}\n${report()}`);
    },
  };
}

/** Last resort for `after` hooks: kill whatever `startCli` children are still running. */
export function killLiveChildren(): void {
  for (const child of liveChildren) child.kill('SIGKILL');
  liveChildren.clear();
}
