// One server per SQLite data dir, and a data dir only its owner can read.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { assertOneLineError, killLiveChildren, removeScratchDirs, runCli, scratchDir, startCli } from './cli-harness.js';

const listening = /MoatMetrics is listening on (http:\/\/[^\s]+) /;

describe('moatmetrics serve on an SQLite data dir', () => {
  after(() => {
    killLiveChildren();
    removeScratchDirs();
  });

  test("a second server on the same data dir is refused with the first one's PID; a killed server's lock is taken over", async () => {
    const dataDir = path.join(scratchDir(), 'data');
    const env = { MOATMETRICS_ADMIN_PASSWORD: 'a properly chosen secret 7' };
    const first = startCli(['serve', '--port', '0'], { dataDir, env });
    await first.waitForStdout(listening);
    const lock = path.join(dataDir, 'server.lock');
    assert.ok(existsSync(lock));

    const second = await runCli(['serve', '--port', '0'], { dataDir, env });
    assertOneLineError(
      second,
      new RegExp(
        `^error: another MoatMetrics server \\(pid ${first.child.pid} on .+, started .+\\) is already serving .*data; stop it first, or use PostgreSQL`,
      ),
    );

    // kill -9 leaves the lock file; its PID is gone, so the next start takes it over.
    await first.stop('SIGKILL');
    assert.ok(existsSync(lock));
    const third = startCli(['serve', '--port', '0'], { dataDir, env });
    await third.waitForStdout(listening);
    assert.deepEqual(await third.stop('SIGTERM'), { code: 0, signal: null });
    assert.equal(existsSync(lock), false, 'a clean stop removes the lock');
  });

  test('a new data dir is 0700 and its database 0600; a wider existing one is warned about at start', async () => {
    const fresh = path.join(scratchDir(), 'fresh');
    const env = { MOATMETRICS_ADMIN_PASSWORD: 'a properly chosen secret 7' };
    const server = startCli(['serve', '--port', '0'], { dataDir: fresh, env });
    await server.waitForStdout(listening);
    await server.stop('SIGTERM');
    assert.equal(statSync(fresh).mode & 0o777, 0o700);
    for (const file of ['moatmetrics.db', 'moatmetrics.db-wal']) {
      if (existsSync(path.join(fresh, file))) assert.equal(statSync(path.join(fresh, file)).mode & 0o777, 0o600, file);
    }
    assert.doesNotMatch(server.stderr(), /warning:/);

    const wide = path.join(scratchDir(), 'wide');
    mkdirSync(wide, { mode: 0o755 });
    chmodSync(wide, 0o755);
    const warned = startCli(['serve', '--port', '0'], { dataDir: wide, env });
    await warned.waitForStdout(listening);
    await warned.stop('SIGTERM');
    assert.match(
      warned.stderr(),
      new RegExp(`^warning: ${wide.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is accessible to other users \\(mode 0755, want 0700\\): chmod 700 `, 'm'),
    );
  });
});
