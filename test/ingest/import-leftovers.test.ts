import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { importTempName, removeImportLeftovers } from '../../src/ingest/import-leftovers.js';

/** The id of a process that has run and exited: nothing owns its files any more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

/** `ourName` with another process id in place of ours. */
function ownedBy(ourName: string, pid: number): string {
  return ourName.replace(`.${process.pid}-`, `.${pid}-`);
}

describe('leftovers of interrupted imports', () => {
  let dataDir: string;
  const files: Record<string, string> = {};
  const hoursAgo = (file: string, hours: number) => {
    const then = new Date(Date.now() - hours * 3_600_000);
    utimesSync(file, then, then);
  };

  before(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'mm-leftovers-'));
    mkdirSync(path.join(dataDir, 'tmp'));
    mkdirSync(path.join(dataDir, 'raw'));
    const dead = deadPid();
    const write = (key: string, dir: string, name: string, content = 'x'.repeat(10)) => {
      files[key] = path.join(dataDir, dir, name);
      writeFileSync(files[key], content);
    };
    write('deadUpload', 'tmp', ownedBy(importTempName('upload-', 'a', '.csv'), dead), 'x'.repeat(1000));
    write('deadIncoming', 'raw', ownedBy(importTempName('.incoming-', 'b'), dead), 'x'.repeat(1000));
    // process.ppid: the test runner, which runs while this test does — like an import in another process.
    write('liveUpload', 'tmp', ownedBy(importTempName('upload-', 'c', '.csv'), process.ppid));
    write('liveIncoming', 'raw', ownedBy(importTempName('.incoming-', 'd'), process.ppid));
    write('ownUpload', 'tmp', importTempName('upload-', 'e', '.csv'));
    write('otherMachine', 'raw', `.incoming-00000000.${dead}-f`);
    write('otherMachineOld', 'raw', `.incoming-00000000.${dead}-g`);
    hoursAgo(files.otherMachineOld!, 25);
    write('legacyFresh', 'tmp', 'upload-0b9f2a4e-1234-4c1d-9e7a-5f0c2b1d3e4f.csv');
    write('legacyOld', 'raw', '.incoming-0b9f2a4e-1234-4c1d-9e7a-5f0c2b1d3e4f');
    hoursAgo(files.legacyOld!, 25);
    write('liveButDayOld', 'tmp', ownedBy(importTempName('upload-', 'h', '.csv'), process.ppid));
    hoursAgo(files.liveButDayOld!, 25);
    // Not an import's: never touched, however old.
    write('backupTemp', 'tmp', 'backup-123.tmp');
    hoursAgo(files.backupTemp!, 1000);
    write('rawCopy', 'raw', 'a'.repeat(64));
    hoursAgo(files.rawCopy!, 1000);
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  const remaining = () =>
    Object.keys(files)
      .filter((key) => existsSync(files[key]!))
      .sort();

  test('a dry run counts the leftovers and removes nothing', async () => {
    const removal = await removeImportLeftovers(dataDir, { dryRun: true });
    assert.deepEqual(removal, { files: 5, bytes: 2030, problems: [] });
    assert.equal(remaining().length, Object.keys(files).length);
  });

  test("a running process's files are kept; dead owners' files, and any file a day old, go", async () => {
    assert.deepEqual(await removeImportLeftovers(dataDir), { files: 5, bytes: 2030, problems: [] });
    assert.deepEqual(remaining(), ['backupTemp', 'legacyFresh', 'liveIncoming', 'liveUpload', 'otherMachine', 'ownUpload', 'rawCopy']);
  });

  test("at a process's start its own process id cannot own a running import (a restarted server often gets the same one)", async () => {
    assert.deepEqual(await removeImportLeftovers(dataDir, { atStart: true }), { files: 1, bytes: 10, problems: [] });
    assert.equal(existsSync(files.ownUpload!), false);
    assert.ok(existsSync(files.liveUpload!));
  });

  test('a data directory without tmp/ or raw/ has nothing to remove', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'mm-leftovers-empty-'));
    try {
      assert.deepEqual(await removeImportLeftovers(empty), { files: 0, bytes: 0, problems: [] });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
