// `moatmetrics import --map` and `moatmetrics profiles …`, as a user meets them: a real child
// process per step, in one scratch data dir, driven without a terminal.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import type { ImportReport } from '../../src/ingest/import-report.js';
import type { MappingProposal } from '../../src/ingest/header-proposal.js';
import { assertOneLineError, assertSucceeded, killLiveChildren, removeScratchDirs, runCli, scratchDir, shown, writeScratchFile } from './cli-harness.js';

after(() => {
  killLiveChildren();
  removeScratchDirs();
});

/** An accounting package's invoice list: a title line, then its own column names. */
const oddInvoices = [
  'Invoice Register',
  'Cust Name,Inv #,Inv Dt,Amt Due Dt,Inv Amt,Pd?',
  'Acme Corp,I-1,2025-01-05,2025-02-05,"$1,200.00",paid',
  'Acme Corp,I-2,2025-02-05,2025-03-05,$300.50,open',
  '',
].join('\n');
const canonicalInvoices = [
  'invoice_id,client_name,invoice_date,due_date,total_amount,status',
  'I-1,Acme Corp,2025-01-05,2025-02-05,1200.00,paid',
  'I-2,Acme Corp,2025-02-05,2025-03-05,300.50,open',
  '',
].join('\n');

describe('moatmetrics import --map and profiles', { concurrency: 1, timeout: 240_000 }, () => {
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

  before(() => {
    dir = scratchDir();
    dataDir = path.join(dir, 'data');
    writeScratchFile(dir, 'clients.csv', 'client_id,client_name\nacme,Acme Corp\n');
    writeScratchFile(dir, 'odd.csv', oddInvoices);
    writeScratchFile(dir, 'canonical.csv', canonicalInvoices);
  });

  test('--map alone prints the proposal and writes nothing, not even the data dir', async () => {
    const result = await runCli(['import', 'invoices', file('odd.csv'), '--map'], { dataDir });
    assertSucceeded(result);
    assert.match(result.stdout, /header on line 2/);
    assert.match(result.stdout, /Inv #\s+invoice_id\s+1\.00/);
    assert.match(result.stdout, /Amt Due Dt\s+due_date\s+0\.80/);
    assert.match(result.stdout, /Pd\?\s+status\s+0\.90/);
    assert.match(result.stdout, /every required field is mapped/);
    assert.match(result.stdout, /nothing saved/);
    assert.equal(existsSync(dataDir), false);
  });

  test('--map --json names the required fields it could not map', async () => {
    writeScratchFile(dir, 'short.csv', 'Inv #,Whatever\nI-9,x\n');
    const result = await runCli(['import', 'invoices', file('short.csv'), '--map', '--json'], { dataDir });
    assertSucceeded(result);
    const { proposal, saved } = JSON.parse(result.stdout) as { proposal: MappingProposal; saved: unknown };
    assert.deepEqual(proposal.missing, ['client_id or client_name', 'invoice_date', 'total_amount']);
    assert.equal(saved, null);
    const refused = await runCli(['import', 'invoices', file('short.csv'), '--map', '--save-profile', 'short'], { dataDir });
    assertOneLineError(refused, /profile 'short' would leave the required fields client_id or client_name, invoice_date, total_amount of invoices unmapped/);
  });

  test('saved with a --set correction, the profile imports the odd file with no flags as the canonical file would', async () => {
    assertSucceeded(await runCli(['import', 'clients', file('clients.csv')], { dataDir }));
    const saved = await runCli(
      ['import', 'invoices', file('odd.csv'), '--map', '--set', 'Amt Due Dt=', '--set', 'Amt Due Dt=due_date', '--save-profile', 'ledger'],
      {
        dataDir,
      },
    );
    assertSucceeded(saved);
    assert.match(saved.stdout, /saved as profile 'ledger'/);

    const canonical = await runCli(['import', 'invoices', file('canonical.csv'), '--json'], { dataDir });
    assertSucceeded(canonical);
    const stored = query('SELECT invoice_id, client_id, invoice_date, due_date, total_cents, status FROM invoices ORDER BY invoice_id');
    const result = await runCli(['import', 'invoices', file('odd.csv'), '--json'], { dataDir });
    assertSucceeded(result);
    const report = JSON.parse(result.stdout) as ImportReport;
    assert.deepEqual(report.format.preset, { id: 'profile:ledger', name: 'ledger (saved mapping)' });
    assert.deepEqual(report.rows, { total: 2, added: 0, updated: 0, unchanged: 2, rejected: 0 }, shown(result));
    assert.deepEqual(query('SELECT invoice_id, client_id, invoice_date, due_date, total_cents, status FROM invoices ORDER BY invoice_id'), stored);

    const text = await runCli(['import', 'invoices', file('odd.csv'), '--dry-run'], { dataDir });
    assertSucceeded(text);
    assert.match(text.stdout, /read as: ledger \(saved mapping\)\n/);
  });

  test('profiles list, show and remove; an unknown profile is one clear error', async () => {
    const listed = await runCli(['profiles', 'list', '--json'], { dataDir });
    assertSucceeded(listed);
    const profiles = JSON.parse(listed.stdout) as Array<{ name: string; dataset: string; mapping: Record<string, string> }>;
    assert.deepEqual(
      profiles.map((p) => [p.name, p.dataset, p.mapping.due_date]),
      [['ledger', 'invoices', 'Amt Due Dt']],
    );
    const shownProfile = await runCli(['profiles', 'show', 'ledger'], { dataDir });
    assertSucceeded(shownProfile);
    assert.match(shownProfile.stdout, /invoice_id\s+Inv #/);

    assertOneLineError(
      await runCli(['import', 'invoices', file('odd.csv'), '--profile', 'nope'], { dataDir }),
      "no saved mapping profile named 'nope'; saved for invoices: ledger",
    );
    assertOneLineError(await runCli(['profiles', 'show', 'nope'], { dataDir }), "no saved mapping profile named 'nope'");
    assertOneLineError(await runCli(['import', 'invoices', file('odd.csv'), '--set', 'Pd?=status'], { dataDir }), '--save-profile and --set go with --map', 2);

    assertSucceeded(await runCli(['profiles', 'remove', 'ledger'], { dataDir }));
    const actions = query<{ action: string; target: string }>("SELECT action, target FROM audit_events WHERE action LIKE 'import_profile.%' ORDER BY seq");
    assert.deepEqual(actions, [
      { action: 'import_profile.save', target: 'ledger' },
      { action: 'import_profile.remove', target: 'ledger' },
    ]);
    const refused = await runCli(['import', 'invoices', file('odd.csv'), '--dry-run'], { dataDir });
    assert.equal(refused.code, 1, shown(refused));
    assert.match(refused.stderr, /missing required columns/);
  });
});
