import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertSucceeded, removeScratchDirs, runCli, scratchDir, shown, writeScratchFile } from './cli-harness.js';

describe('counts in CLI output agree with their nouns', () => {
  let dataDir: string;
  before(() => {
    dataDir = scratchDir();
  });
  after(() => removeScratchDirs());

  test('an import of one row says "1 row"; a refusal with one error says "The error", not "All 1 errors"', async () => {
    const clients = await runCli(['import', 'clients', writeScratchFile(dataDir, 'clients.csv', 'client_id,client_name\nC1,Acme\n')], { dataDir });
    assertSucceeded(clients);
    assert.match(clients.stdout, / 1 row {2}sha256 /, shown(clients));
    const oneBad = 'log_id,client_id,staff_name,date,hours\nT1,C1,Ann,2025-01-10,2\nT2,C9,Ann,2025-01-11,1\n';
    const refused = await runCli(['import', 'time_logs', writeScratchFile(dataDir, 'time_logs.csv', oneBad)], { dataDir });
    assert.equal(refused.code, 1, shown(refused));
    assert.match(refused.stderr, /^ {2}The error: \S+rejected\.csv$/m, shown(refused));
    assert.doesNotMatch(refused.stderr, /\b1 errors\b/, shown(refused));
  });
});
