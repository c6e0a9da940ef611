import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { importTempName } from '../../src/ingest/import-leftovers.js';
import { clientsCsv } from '../api/api-test-app.js';
import { assertSucceeded, removeScratchDirs, runCli, scratchDir, startCli, writeScratchFile } from './cli-harness.js';

/** Files as an import in process `pid` names them (process ids of this machine). */
function leftover(dataDir: string, prefix: 'upload-' | '.incoming-', pid: number): string {
  const dir = path.join(dataDir, prefix === 'upload-' ? 'tmp' : 'raw');
  mkdirSync(dir, { recursive: true });
  const ours = importTempName(prefix, Math.random().toString(16).slice(2), prefix === 'upload-' ? '.csv' : '');
  const file = path.join(dir, ours.replace(`.${process.pid}-`, `.${pid}-`));
  writeFileSync(file, 'what a killed import left');
  return file;
}

function exitedPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

describe('leftovers of imports killed mid-way (kill -9)', () => {
  after(() => removeScratchDirs());

  test('are removed when an import starts and when the server starts; files of a running import are kept', async () => {
    const dataDir = path.join(scratchDir(), 'data');
    const killed = [leftover(dataDir, 'upload-', exitedPid()), leftover(dataDir, '.incoming-', exitedPid())];
    // This test process stands for an import running in another process right now.
    const running = [leftover(dataDir, 'upload-', process.pid), leftover(dataDir, '.incoming-', process.pid)];

    const imported = await runCli(['import', 'clients', writeScratchFile(path.dirname(dataDir), 'clients.csv', clientsCsv)], { dataDir });
    assertSucceeded(imported);
    assert.match(imported.stderr, /^note: removed 2 leftover files of interrupted imports \(0\.0 MB\)$/m);
    assert.deepEqual(
      killed.filter((file) => existsSync(file)),
      [],
    );
    assert.deepEqual(
      running.filter((file) => existsSync(file)),
      running,
    );

    const killedAgain = leftover(dataDir, '.incoming-', exitedPid());
    const server = startCli(['serve', '--host', '127.0.0.1', '--port', '0'], { dataDir });
    try {
      await server.waitForStdout(/MoatMetrics is listening on/);
      assert.match(server.stdout(), /^Removed 1 leftover file of interrupted imports \(0\.0 MB\)\.$/m);
      assert.equal(existsSync(killedAgain), false);
      assert.deepEqual(
        running.filter((file) => existsSync(file)),
        running,
      );
    } finally {
      await server.stop('SIGTERM');
    }
  });
});
