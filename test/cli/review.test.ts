import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import path from 'node:path';
import { edgeCaseMsp } from '../support/edge-case-msp.js';
import { assertOneLineError, assertSucceeded, removeScratchDirs, runCli, scratchDir, writeScratchFile } from './cli-harness.js';

describe('moatmetrics review', () => {
  let dataDir: string;
  before(async () => {
    dataDir = scratchDir();
    for (const [dataset, content] of Object.entries(edgeCaseMsp)) {
      assertSucceeded(await runCli(['import', dataset, writeScratchFile(dataDir, `${dataset}.csv`, content)], { dataDir }));
    }
    assertSucceeded(await runCli(['analyze', '--from', '2025-01-01', '--to', '2025-03-31'], { dataDir }));
  });
  after(() => removeScratchDirs());

  test('list shows the pending queue; the operator who imported and ran cannot approve (four-eyes)', async () => {
    const list = await runCli(['review', 'list', '--kind', 'profitability', '--json'], { dataDir });
    assertSucceeded(list);
    const { results } = JSON.parse(list.stdout) as { results: Array<{ id: string; subjectLabel: string }> };
    const beta = results.find((r) => r.subjectLabel === 'Beta')!;
    assert.ok(beta);
    assertOneLineError(await runCli(['review', 'approve', beta.id, '--comment', 'fine by me'], { dataDir }), /^error: four-eyes rule: cli:\S+ started the analysis run that produced this result; another reviewer must decide it$/);
  });

  test('list shows each value as a percentage to two decimals; --json names the currency', async () => {
    const table = await runCli(['review', 'list', '--kind', 'profitability'], { dataDir });
    assertSucceeded(table);
    assert.match(table.stdout, /^\S+\s+profitability\s+Beta\s+-65\.00 %\s+0\.00\s+negative margin \(-65\.00 %\)/m);
    const json = JSON.parse((await runCli(['review', 'list', '--json'], { dataDir })).stdout) as { currency: string; results: Array<{ value: number | null }> };
    assert.equal(json.currency, 'USD');
    assert.ok(json.results.every((r) => r.value === null || Math.round(r.value * 100) / 100 === r.value));
  });

  test('another reviewer (here: the run and imports recorded under someone else) approves with a comment', async () => {
    // Simulate a colleague's imports and run, as if they had done them from their own account.
    const db = new Database(path.join(dataDir, 'moatmetrics.db'));
    db.prepare("UPDATE dataset_versions SET created_by = 'colleague'").run();
    db.prepare("UPDATE analytics_runs SET created_by = 'colleague'").run();
    const id = (db.prepare("SELECT id FROM analytics_results WHERE subject_label = 'Beta' AND kind = 'profitability'").get() as { id: string }).id;
    db.close();
    const approved = await runCli(['review', 'approve', id, '--comment', 'onboarding project, expected'], { dataDir });
    assertSucceeded(approved);
    assert.match(approved.stdout, /^Beta \(profitability\): approved by cli:\S+ — onboarding project, expected$/m);
    const listed = JSON.parse((await runCli(['review', 'list', '--status', 'approved', '--json'], { dataDir })).stdout) as { results: Array<{ id: string; reviewComment: string }> };
    assert.deepEqual(listed.results.map((r) => [r.id, r.reviewComment]), [[id, 'onboarding project, expected']]);
    assertOneLineError(await runCli(['review', 'reject', id, '--comment', 'again'], { dataDir }), /^error: result \S+ \(Beta\) is approved by cli:\S+; only pending or noted results can be decided$/);
  });
});
