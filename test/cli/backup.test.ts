import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { importFile } from '../../src/ingest/import-file.js';
import type { RetentionRun } from '../../src/operations/retention-runs-repository.js';
import { openSqliteConnection } from '../../src/storage/database.js';
import { createTestContext, type TestContext } from '../support/test-database.js';
import { assertOneLineError, assertSucceeded, removeScratchDirs, runCli, scratchDir } from './cli-harness.js';

const passphrase = 'a long enough backup passphrase';

describe('moatmetrics backup, restore and retention (SQLite)', () => {
  let t: TestContext;
  let dataDir: string;
  let databaseFile: string;
  before(async () => {
    t = await createTestContext('sqlite');
    dataDir = t.config.data_dir;
    databaseFile = path.join(dataDir, 'moatmetrics.db');
    const clients = t.file('clients.csv', 'client_id,client_name,status\nC1,Acme Motors,active\nC2,Beta Legal LLP,active\n');
    await importFile(t.database, t.config, { dataset: 'clients', file: clients, actor: 'tester' });
    // Pairs (n, -n) are written in one transaction each: a consistent copy holds whole pairs only.
    // The ballast makes the copy take long enough for writes to land while it runs.
    const connection = openSqliteConnection(databaseFile);
    connection.exec('CREATE TABLE pairs (n INTEGER NOT NULL); CREATE TABLE ballast (b BLOB NOT NULL)');
    const ballast = connection.prepare('INSERT INTO ballast (b) VALUES (randomblob(65536))');
    connection.transaction(() => {
      for (let i = 0; i < 600; i++) ballast.run();
    })();
    connection.close();
  });
  after(async () => {
    await t.cleanup();
    removeScratchDirs();
  });

  test('a backup taken while another connection writes holds exactly the transactions committed before one moment', async () => {
    const writer = openSqliteConnection(databaseFile);
    // A plain synchronous writer, like another program's: it waits for the lock inside SQLite.
    writer.pragma('busy_timeout = 30000');
    const insert = writer.prepare('INSERT INTO pairs (n) VALUES (?)');
    const writePair = writer.transaction((n: number) => {
      insert.run(n);
      insert.run(-n);
    });
    let pairs = 0;
    let writing = true;
    const loop = (async () => {
      while (writing) {
        writePair(++pairs);
        await nextTurn();
      }
    })();
    while (pairs < 50) await nextTurn();
    const pairsBefore = pairs;
    const file = path.join(t.dir, 'while-writing.mmbk');
    const backup = await runCli(['backup', file], { dataDir });
    const pairsAfter = pairs;
    writing = false;
    await loop;
    writer.close();
    assertSucceeded(backup);
    assert.match(backup.stdout, /^Backed up the SQLite database .*moatmetrics\.db to .*while-writing\.mmbk \(.* MB, NOT encrypted, sha256 [0-9a-f]{64}\)\.$/m);

    const restoredDir = scratchDir();
    assertSucceeded(await runCli(['restore', file, '--yes'], { dataDir: restoredDir }));
    const restored = new BetterSqlite3(path.join(restoredDir, 'moatmetrics.db'), { readonly: true });
    try {
      assert.deepEqual(restored.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
      const { rows, total } = restored.prepare('SELECT count(*) AS rows, coalesce(sum(n), 0) AS total FROM pairs').get() as { rows: number; total: number };
      assert.equal(total, 0, 'every pair is whole');
      assert.equal(rows % 2, 0);
      assert.ok(
        rows / 2 > pairsBefore && rows / 2 < pairsAfter,
        `the copy (${rows / 2} pairs) was taken while writing (${pairsBefore} before, ${pairsAfter} after)`,
      );
      assert.equal((restored.prepare('SELECT count(*) AS n FROM clients').get() as { n: number }).n, 2);
    } finally {
      restored.close();
    }
  });

  test('an encrypted backup: restore asks for --yes, refuses a wrong or missing passphrase in one line, restores with the right one', async () => {
    const file = path.join(t.dir, 'encrypted.mmbk');
    const backup = await runCli(['backup', file, '--passphrase-stdin'], { dataDir, stdin: `${passphrase}\n` });
    assertSucceeded(backup);
    assert.match(backup.stdout, /, encrypted, sha256 /);
    assertOneLineError(await runCli(['backup', file], { dataDir }), /^error: .*encrypted\.mmbk already exists; choose a new file name/);

    const restoredDir = scratchDir();
    assertOneLineError(
      await runCli(['restore', file], { dataDir: restoredDir }),
      /^error: restore replaces the SQLite database .*moatmetrics\.db and everything in it with the contents of .*encrypted\.mmbk; run again with --yes to go ahead$/,
    );
    assertOneLineError(
      await runCli(['restore', file, '--yes', '--passphrase-stdin'], { dataDir: restoredDir, stdin: 'the wrong passphrase\n' }),
      /^error: .*encrypted\.mmbk: wrong passphrase/,
    );
    assertOneLineError(
      await runCli(['restore', file, '--yes'], { dataDir: restoredDir }),
      /^error: .*encrypted\.mmbk is encrypted; give its passphrase with --passphrase-stdin$/,
    );
    const restored = await runCli(['restore', file, '--yes', '--passphrase-stdin'], { dataDir: restoredDir, stdin: `${passphrase}\n` });
    assertSucceeded(restored);
    assert.match(restored.stdout, /^Restored the SQLite database .*moatmetrics\.db from .*encrypted\.mmbk \(encrypted backup\)/);
    const versions = await runCli(['versions', 'list', '--json'], { dataDir: restoredDir });
    assertSucceeded(versions);
    assert.equal((JSON.parse(versions.stdout) as { current: number }).current, 1);
  });

  test('retention run: --dry-run --json reports counts and removes nothing; a real run prints a summary', async () => {
    const dry = await runCli(['retention', 'run', '--dry-run', '--json'], { dataDir });
    assertSucceeded(dry);
    const run = JSON.parse(dry.stdout) as RetentionRun;
    assert.equal(run.dryRun, true);
    assert.deepEqual(run.counts, {
      rawFiles: 0,
      rawBytes: 0,
      leftoverFiles: 0,
      leftoverBytes: 0,
      rejectFiles: 0,
      analyticsRuns: 0,
      analyticsResults: 0,
      sessions: 0,
      securityEvents: 0,
      apiTokens: 0,
    });
    assert.match(run.cutoffs.rawFiles!, /^\d{4}-\d{2}-\d{2}T/);
    const real = await runCli(['retention', 'run'], { dataDir });
    assertSucceeded(real);
    assert.match(real.stdout, /^Retention run finished\.\n {2}Removed 0 raw import files \(0\.0 MB\) and 0 rejects files: older than \d{4}-\d{2}-\d{2}\n/);
    assert.match(real.stdout, /^ {2}Removed 0 analytics runs with 0 results: /m);
    assert.doesNotMatch(real.stdout, /\(s\)/);
  });
});
