// The stop-request rules of src/cli/stop-requests.ts in a real process: a signal starts one
// clean stop, its echo within a second is ignored, a later one forces the exit.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { cliEnv, repoRoot } from './cli-harness.js';

/** A process whose clean stop never finishes, so that only a forced stop ends it. */
const script = `
import { onStopRequest } from './src/cli/stop-requests.ts';
onStopRequest({
  watchParent: false,
  onStop: (reason) => process.stdout.write('stop ' + reason + '\\n'),
  onForce: (signal) => { process.stdout.write('force ' + signal + '\\n'); process.exit(1); },
});
process.stdout.write('ready\\n');
setInterval(() => undefined, 1000);
`;

function start(): { output: () => string; signal: (name: NodeJS.Signals) => void; exited: Promise<number | null>; ready: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], {
    cwd: repoRoot,
    env: cliEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    if (out.includes('ready\n')) onReady();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  void exited.then(() => clearTimeout(timer));
  return { output: () => out, signal: (name) => child.kill(name), exited, ready };
}

describe('stop requests', { concurrency: true, timeout: 120_000 }, () => {
  test('the same signal twice within a second (npm passing Ctrl-C on) starts one stop and forces nothing', async () => {
    const child = start();
    await child.ready;
    child.signal('SIGINT');
    // Apart, so that the kernel delivers two signals rather than merging them into one.
    await sleep(200);
    child.signal('SIGINT');
    await sleep(500);
    assert.equal(child.output(), 'ready\nstop SIGINT\n');
    child.signal('SIGKILL');
    await child.exited;
  });

  test('a signal a second or more after the first forces the exit', async () => {
    const child = start();
    await child.ready;
    child.signal('SIGTERM');
    await sleep(1300);
    child.signal('SIGTERM');
    assert.equal(await child.exited, 1);
    assert.equal(child.output(), 'ready\nstop SIGTERM\nforce SIGTERM\n');
  });
});
