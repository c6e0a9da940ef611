import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { clientsCsv } from '../support/small-msp.js';
import { assertOneLineError, assertSucceeded, listVersionsJson, removeScratchDirs, runCli, scratchDir, shown, writeScratchFile } from './cli-harness.js';

const notice = 'note: this database holds the bundled demo data, not yours; `moatmetrics import <dataset> <file> --replace-demo` replaces it with your own';

describe('moatmetrics import into a database holding the demo data', { concurrency: 1 }, () => {
  let dir: string;
  let dataDir: string;
  let clientsFile: string;
  before(async () => {
    dir = scratchDir();
    dataDir = path.join(dir, 'data');
    clientsFile = writeScratchFile(dir, 'clients.csv', clientsCsv);
    assertSucceeded(await runCli(['demo'], { dataDir }));
  });
  after(() => removeScratchDirs());

  test('analyze prints a one-line notice (on stderr, so --json stays one document that says demo: true)', async () => {
    const table = await runCli(['analyze'], { dataDir });
    assertSucceeded(table);
    assert.equal(table.stderr, `${notice}\n`, shown(table));
    const json = await runCli(['analyze', '--json'], { dataDir });
    assertSucceeded(json);
    assert.equal((JSON.parse(json.stdout) as { demo: boolean }).demo, true);
  });

  test('import refuses with MM_DEMO_DATA, naming both ways out, and writes nothing', async () => {
    const before = await listVersionsJson(dataDir);
    assertOneLineError(
      await runCli(['import', 'clients', clientsFile], { dataDir }),
      /^error: this database holds the bundled demo data; importing your own would mix the two\. Replace it \(CLI --replace-demo, .*or mix them on purpose \(CLI --force, API force=true\)$/,
    );
    assertOneLineError(await runCli(['import', 'clients', clientsFile, '--dry-run'], { dataDir }), /MM_DEMO_DATA|bundled demo data/);
    assert.deepEqual(await listVersionsJson(dataDir), before);
    const both = await runCli(['import', 'clients', clientsFile, '--replace-demo', '--force'], { dataDir });
    assertOneLineError(both, /^error: use --replace-demo or --force, not both$/, both.code === 2 ? 2 : 1);
  });

  test('--replace-demo removes the demo data as new versions, then imports; analyze has no notice after', async () => {
    const result = await runCli(['import', 'clients', clientsFile, '--replace-demo'], { dataDir });
    assertSucceeded(result);
    assert.match(result.stdout, /^Imported clients as version 11: 3 added/m, shown(result));
    const listing = await listVersionsJson(dataDir);
    assert.deepEqual(
      listing.versions.slice(0, 6).map((v) => [v.number, v.dataset, v.removesDemo, v.createdBy.startsWith('cli:')]),
      [
        [11, 'clients', false, true],
        [10, 'clients', true, true],
        [9, 'staff', true, true],
        [8, 'invoices', true, true],
        [7, 'time_logs', true, true],
        [6, 'licenses', true, true],
      ],
    );
    const table = await runCli(['versions', 'list'], { dataDir });
    assert.match(table.stdout, /\(removes demo\)/, shown(table));
    const analyze = await runCli(['analyze'], { dataDir });
    assertSucceeded(analyze);
    assert.equal(analyze.stderr, '', shown(analyze));
    assert.match(analyze.stdout, /3 clients/, shown(analyze));
    const verify = await runCli(['audit', 'verify'], { dataDir });
    assertSucceeded(verify);
  });

  test('--force mixes on purpose (after loading the demo again over the data)', async () => {
    assertSucceeded(await runCli(['demo', '--force'], { dataDir }));
    const other = writeScratchFile(dir, 'more.csv', 'client_id,client_name\nC9,Zeta Dental\n');
    assertOneLineError(await runCli(['import', 'clients', other], { dataDir }), /bundled demo data/);
    const mixed = await runCli(['import', 'clients', other, '--force'], { dataDir });
    assertSucceeded(mixed);
    assert.match(mixed.stdout, /^Imported clients as version \d+: 1 added/m, shown(mixed));
    assert.equal((await runCli(['analyze'], { dataDir })).stderr, `${notice}\n`);
  });
});
