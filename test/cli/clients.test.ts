// `moatmetrics clients …` and the import report's client names, as a user meets them: a real
// child process per step, in one scratch data dir.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import type { ImportReport } from '../../src/ingest/import-report.js';
import { assertOneLineError, assertSucceeded, killLiveChildren, removeScratchDirs, runCli, scratchDir, shown, writeScratchFile } from './cli-harness.js';

after(() => {
  killLiveChildren();
  removeScratchDirs();
});

describe('moatmetrics clients', { concurrency: 1, timeout: 240_000 }, () => {
  let dir: string;
  let dataDir: string;
  const file = (name: string): string => path.join(dir, name);
  const query = <T>(sql: string): T[] => {
    const db = new BetterSqlite3(path.join(dataDir, 'moatmetrics.db'), { readonly: true });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  };

  before(async () => {
    dir = scratchDir();
    dataDir = path.join(dir, 'data');
    writeScratchFile(dir, 'clients.csv', 'client_id,client_name\nacme,Acme Corp.\ndental-us,Acme Dental Inc.\ndental-ca,Acme Dental LLC\n');
    writeScratchFile(
      dir,
      'invoices.csv',
      'invoice_id,client_name,invoice_date,amount\nI1,ACME Corporation,2025-01-05,100\nI2,Acme Dental,2025-01-06,50\nI3,Acme Dentl,2025-01-07,20\n',
    );
    assertSucceeded(await runCli(['import', 'clients', file('clients.csv')], { dataDir }));
  });

  test('the import lists the names matched automatically and the ones it could not map, with the reason', async () => {
    const result = await runCli(['import', 'invoices', file('invoices.csv'), '--lenient'], { dataDir });
    assertSucceeded(result);
    assert.ok(
      result.stdout.includes(
        'client names matched automatically (confirm with `moatmetrics clients confirm "<name>"`):\n  \'ACME Corporation\' → Acme Corp. (acme), 1 row\n',
      ),
      shown(result),
    );
    assert.ok(result.stdout.includes("  'Acme Dental', 1 row; matches 'Acme Dental Inc.' and 'Acme Dental LLC'\n"), shown(result));
    assert.ok(
      result.stdout.includes(
        "invoices.csv line 3, column 2 (client_name): 'Acme Dental' ambiguous client: matches 'Acme Dental Inc.' and 'Acme Dental LLC'; map it with `moatmetrics clients map \"Acme Dental\" --to <client>`",
      ),
      shown(result),
    );
    const json = await runCli(['import', 'invoices', file('invoices.csv'), '--lenient', '--dry-run', '--json'], { dataDir });
    const report = JSON.parse(json.stdout) as ImportReport;
    assert.deepEqual(report.clientMatches.automatic, [{ name: 'ACME Corporation', clientId: 'acme', clientName: 'Acme Corp.', rows: 1 }]);
    assert.deepEqual(
      report.clientMatches.unmapped.map((u) => u.name),
      ['Acme Dental', 'Acme Dentl'],
    );
  });

  test('unmapped lists them with the closest clients; confirm and map settle them; the file then loads whole', async () => {
    const listed = await runCli(['clients', 'unmapped'], { dataDir });
    assertSucceeded(listed);
    assert.match(listed.stdout, /ACME Corporation\s+Acme Corp\. \(acme\)\s+1/, shown(listed));
    assert.match(listed.stdout, /Acme Dentl\s+1\s+Acme Dental Inc\. \(dental-us\); Acme Dental LLC \(dental-ca\)/, shown(listed));
    assert.match(listed.stdout, /3 names waiting for a decision\./, shown(listed));
    const json = JSON.parse((await runCli(['clients', 'unmapped', '--json'], { dataDir })).stdout) as { automatic: unknown[]; unmapped: unknown[] };
    assert.equal(json.automatic.length, 1);
    assert.equal(json.unmapped.length, 2);

    assertSucceeded(await runCli(['clients', 'confirm', 'ACME Corporation'], { dataDir }));
    const mapped = await runCli(['clients', 'map', 'Acme Dental', '--to', 'Acme Dental LLC'], { dataDir });
    assertSucceeded(mapped);
    assert.equal(mapped.stdout, "'Acme Dental' is client Acme Dental LLC (dental-ca). Import the file again to load rows rejected for it.\n");
    assertSucceeded(await runCli(['clients', 'map', 'acme dentl', '--to', 'dental-ca'], { dataDir }));
    assertOneLineError(
      await runCli(['clients', 'map', 'Nobody', '--to', 'no-such-client'], { dataDir }),
      /^error: no client has the id or name 'no-such-client'/,
    );
    assertOneLineError(await runCli(['clients', 'confirm', 'Acme Dental'], { dataDir }), /is not an automatic match waiting for confirmation/);

    const again = await runCli(['import', 'invoices', file('invoices.csv')], { dataDir });
    assertSucceeded(again);
    assert.match(again.stdout, /2 added, 0 updated, 1 unchanged, 0 rejected/, shown(again));
    assert.deepEqual(query('SELECT invoice_id, client_id FROM invoices ORDER BY invoice_id'), [
      { invoice_id: 'I1', client_id: 'acme' },
      { invoice_id: 'I2', client_id: 'dental-ca' },
      { invoice_id: 'I3', client_id: 'dental-ca' },
    ]);
    const done = await runCli(['clients', 'unmapped'], { dataDir });
    assert.equal(done.stdout, 'Every client name the imports met matches a client exactly or as mapped.\n');

    assertSucceeded(await runCli(['clients', 'unmap', 'acme dentl'], { dataDir }));
    const events = query<{ action: string; target: string }>("SELECT action, target FROM audit_events WHERE action LIKE 'clients.%' ORDER BY seq");
    assert.deepEqual(events, [
      { action: 'clients.alias_confirm', target: 'ACME Corporation' },
      { action: 'clients.alias_map', target: 'Acme Dental' },
      { action: 'clients.alias_map', target: 'Acme Dentl' },
      { action: 'clients.alias_unmap', target: 'Acme Dentl' },
    ]);
  });
});
