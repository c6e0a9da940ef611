import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AnalysisDocument } from '../../src/analytics/run-analysis.js';
import { edgeCaseMsp } from '../support/edge-case-msp.js';
import { assertOneLineError, assertSucceeded, removeScratchDirs, runCli, scratchDir, writeScratchFile } from './cli-harness.js';

describe('moatmetrics analyze', () => {
  let dataDir: string;
  before(async () => {
    dataDir = scratchDir();
    for (const [dataset, content] of Object.entries(edgeCaseMsp)) {
      assertSucceeded(await runCli(['import', dataset, writeScratchFile(dataDir, `${dataset}.csv`, content)], { dataDir }));
    }
  });
  after(() => removeScratchDirs());

  test('--json is one document with every client, licenses, staff, period and version', async () => {
    const result = await runCli(['analyze', '--from', '2025-01-01', '--to', '2025-03-31', '--json'], { dataDir });
    assertSucceeded(result);
    const doc = JSON.parse(result.stdout) as AnalysisDocument;
    assert.deepEqual(doc.period, { from: '2025-01-01', to: '2025-03-31' });
    assert.equal(doc.version, 5);
    assert.deepEqual(
      doc.clients.map((c) => [c.clientName, c.revenue, c.grossProfit, c.grossMarginPct, c.band, c.review.status]),
      [
        ['Beta', 300, -195, -65, 'losing_money', 'pending_review'],
        ['Acme', 1800, 330, 18.33, 'at_risk', 'pending_review'],
        ['Delta', 400, 400, 100, 'healthy', 'pending_review'],
        ['Cobalt', 0, -195, null, null, 'pending_review'],
      ],
    );
    assert.equal(doc.overview.totals.grossProfit, 340);
    assert.equal(doc.licenses.positions.length, 5);
    assert.deepEqual(doc.staff.rows.map((s) => s.staffName), ['Bob', 'Ann', 'Cy']);
  });

  test('the table marks pending results and a client filter narrows it', async () => {
    const result = await runCli(['analyze', '--from', '2025-01-01', '--to', '2025-03-31', '--client', 'beta'], { dataDir });
    assertSucceeded(result);
    assert.match(result.stdout, /dataset version 5/);
    assert.match(result.stdout, /^Beta\s+\$300\.00\s+\$295\.00\s+\$200\.00\s+-\$195\.00\s+-65\.0 %.*losing money.*PENDING REVIEW$/m);
    assert.doesNotMatch(result.stdout, /^Acme/m);
  });

  test('bad arguments are one-line errors', async () => {
    assertOneLineError(await runCli(['analyze', '--from', '2025-13-45x'], { dataDir }), /--from '2025-13-45x' is not a date/);
    assertOneLineError(await runCli(['analyze', '--client', 'Nobody'], { dataDir }), "--client 'Nobody': no client has this id or name");
  });
});
