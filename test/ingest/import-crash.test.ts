import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createWriteStream, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { importFile } from '../../src/ingest/import-file.js';
import { removeImportLeftovers } from '../../src/ingest/import-leftovers.js';
import { currentVersionNumber, listVersions } from '../../src/versions/versions-repository.js';
import { createTestContext, engines, snapshotTable, type TestContext } from '../support/test-database.js';

async function writeTimeLogs(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  out.write('log_id,client_id,staff_name,date,hours,rate,billable\n');
  let chunk = '';
  for (let i = 1; i <= rows; i++) {
    chunk += `K${i},C${(i % 3) + 1},Tech ${i % 7},2025-0${(i % 9) + 1}-1${i % 10},${(i % 8) + 1}.25,95,${i % 4 === 0 ? 'false' : 'true'}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise<void>((resolve) => out.once('finish', () => resolve()));
}

for (const engine of engines) {
  describe(`an import killed mid-way on ${engine}`, () => {
    let t: TestContext;
    before(async () => {
      t = await createTestContext(engine);
    });
    after(async () => {
      await t.cleanup();
    });

    test('leaves the previous version intact, and the next import works', async () => {
      const clients = await importFile(t.database, t.config, {
        dataset: 'clients',
        file: t.file('clients.csv', 'client_id,client_name\nC1,One\nC2,Two\nC3,Three\n'),
      });
      assert.equal(clients.version, 1);
      const big = path.join(t.dir, 'big.csv');
      await writeTimeLogs(big, 600_000);
      const clientsBefore = await snapshotTable(t.database, 'clients', 'client_id');
      await t.database.close();

      const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/import-child.ts', t.config.data_dir, t.config.database.url, 'time_logs', big], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const killedAt = await new Promise<number>((resolve, reject) => {
        let buffer = '';
        child.stdout.on('data', (data: Buffer) => {
          buffer += data.toString();
          const rows = [...buffer.matchAll(/progress (\d+)/g)].map((m) => Number(m[1]));
          const last = rows.at(-1) ?? 0;
          // Well inside the file: batches of 500 rows have been written in the open transaction.
          if (last >= 20_000) {
            child.kill('SIGKILL');
            resolve(last);
          }
          if (buffer.includes('done')) reject(new Error('the import finished before it could be killed'));
        });
        child.once('exit', (code) => reject(new Error(`child exited (${code}) before it was killed: ${stderr}`)));
      });
      await new Promise((resolve) => child.once('exit', resolve));
      assert.ok(killedAt >= 20_000 && killedAt < 600_000, `killed after ${killedAt} rows`);

      await t.reopen();
      assert.equal(await currentVersionNumber(t.database.kysely), 1);
      assert.equal((await listVersions(t.database.kysely)).length, 1);
      assert.deepEqual(await snapshotTable(t.database, 'time_logs', 'log_id'), []);
      assert.deepEqual(await snapshotTable(t.database, 'clients', 'client_id'), clientsBefore);
      if (engine === 'sqlite') {
        const check = new BetterSqlite3(path.join(t.config.data_dir, 'moatmetrics.db'));
        assert.equal(check.pragma('integrity_check', { simple: true }), 'ok');
        check.close();
      }

      // The killed import's copy of the file stays behind until the next start or retention run removes it.
      const rawDir = path.join(t.config.data_dir, 'raw');
      const incoming = readdirSync(rawDir).filter((name) => name.startsWith('.incoming-'));
      assert.equal(incoming.length, 1);
      const removal = await removeImportLeftovers(t.config.data_dir);
      assert.deepEqual([removal.files, removal.problems], [1, []]);
      assert.deepEqual(
        readdirSync(rawDir).filter((name) => name.startsWith('.incoming-')),
        [],
      );

      const next = await importFile(t.database, t.config, {
        dataset: 'time_logs',
        file: t.file('small.csv', 'log_id,client_id,staff_name,date,hours\nK1,C1,Tech 1,2025-01-01,1\n'),
      });
      assert.equal(next.status, 'succeeded', next.message);
      assert.equal(next.version, 2);
    });
  });
}
