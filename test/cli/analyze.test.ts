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
    assert.deepEqual(
      doc.staff.rows.map((s) => s.staffName),
      ['Bob', 'Ann', 'Cy'],
    );
  });

  test('showing a stored run again is audited as a read of it (data.read), with the filters and the version', async () => {
    const first = JSON.parse((await runCli(['analyze', '--from', '2025-02-01', '--to', '2025-03-31', '--json'], { dataDir })).stdout) as AnalysisDocument;
    const again = await runCli(['analyze', '--from', '2025-02-01', '--to', '2025-03-31'], { dataDir });
    assertSucceeded(again);
    assert.match(again.stdout, /\(stored result\)/);
    const listed = await runCli(['audit', 'list', '--action', 'data.read', '--json'], { dataDir });
    assertSucceeded(listed);
    const reads = (JSON.parse(listed.stdout) as { events: Array<{ actor: string; target: string; details: Record<string, unknown> }> }).events;
    const read = reads.find((e) => e.target === first.runId);
    assert.ok(read, listed.stdout);
    assert.match(read.actor, /^cli:/);
    assert.deepEqual(read.details, {
      what: 'analysis.run',
      via: 'cli analyze',
      filters: { from: '2025-02-01', to: '2025-03-31' },
      datasetVersion: 5,
      period: { from: '2025-02-01', to: '2025-03-31' },
    });
  });

  test('the table marks pending results and a client filter narrows it', async () => {
    const result = await runCli(['analyze', '--from', '2025-01-01', '--to', '2025-03-31', '--client', 'beta'], { dataDir });
    assertSucceeded(result);
    assert.match(result.stdout, /dataset version 5/);
    assert.match(result.stdout, /^Beta\s+\$300\.00\s+\$295\.00\s+\$200\.00\s+-\$195\.00\s+-65\.00 %\s+\$15\.38\s+losing money.*PENDING REVIEW$/m);
    assert.doesNotMatch(result.stdout, /^Acme/m);
  });

  test('the table: EHR instead of $/h, percentages to two decimals, one minus sign before the currency symbol', async () => {
    const result = await runCli(['analyze', '--from', '2025-01-01', '--to', '2025-03-31'], { dataDir });
    assertSucceeded(result);
    assert.match(result.stdout, /amounts in USD$/m);
    assert.match(result.stdout, /^client\s+revenue\s+labor\s+licenses\s+profit\s+margin\s+EHR\s+band/m);
    assert.doesNotMatch(result.stdout, /\$\/h|\$-|--\$|−/);
    // Acme: 1800 − 780 − 690 = 330, 18.333… %; (1800 − 690) / 16 h = 69.375 → $69.38.
    assert.match(result.stdout, /^Acme\s+\$1,800\.00\s+\$780\.00\s+\$690\.00\s+\$330\.00\s+18\.33 %\s+\$69\.38\s+at risk/m);
    assert.match(result.stdout, /^Cobalt\s+\$0\.00\s+.*-\$195\.00\s+—\s+-\$20\.00\s+no revenue/m);
    assert.match(result.stdout, /^Portfolio: .*margin 13\.60 %$/m);
    assert.match(result.stdout, /^ {11}4 clients, 25\.50 h \(\d+\.\d{2} % billable\), staff utilization \d+\.\d{2} %/m);
    assert.match(result.stdout, /^Staff utilization/m);
  });

  test('--help defines EHR and says the client view shows hours, not utilization', async () => {
    const result = await runCli(['analyze', '--help']);
    assertSucceeded(result);
    assert.match(result.stdout, /EHR\s+effective hourly rate: \(revenue - license cost\) \/ hours worked for the client/);
    assert.match(result.stdout, /display\.currency/);
    assert.match(result.stdout, /With --client or --industry the staff section lists the hours logged for those clients/);
  });

  test("--client: the hours staff logged for that client, not the whole team's utilization as if it were the client's", async () => {
    const result = await runCli(['analyze', '--from', '2025-01-01', '--to', '2025-03-31', '--client', 'beta'], { dataDir });
    assertSucceeded(result);
    assert.match(result.stdout, /^Selection: revenue \$300\.00/m);
    assert.match(result.stdout, /^ {11}1 client, 6\.50 h \(92\.31 % billable\), license waste/m);
    assert.doesNotMatch(result.stdout, /utilization \d|^Staff utilization|burnout|under-used|on target/m);
    assert.match(result.stdout, /^Hours logged for the selected clients, by staff member \(utilization is team-wide/m);
    // Beta's time logs: Bob 6 h billable, Ann 0.5 h not billable; Cy logged nothing for Beta.
    assert.match(result.stdout, /^staff\s+hours\s+billable\s+billable %\nBob\s+6\.00 h\s+6\.00 h\s+100\.00 %\nAnn\s+0\.50 h\s+0\.00 h\s+0\.00 %\n\n/m);
    assert.doesNotMatch(result.stdout, /^Cy\b/m);
    assert.match(result.stdout, /^2 results pending review\./m);
  });

  test('display.currency from the environment: symbol in the table and texts, `currency` in --json, every number to two decimals', async () => {
    const env = { MOATMETRICS_DISPLAY_CURRENCY: 'EUR' };
    const table = await runCli(['analyze', '--from', '2025-01-01', '--to', '2025-03-31'], { dataDir, env });
    assertSucceeded(table);
    assert.match(table.stdout, /amounts in EUR$/m);
    assert.match(table.stdout, /^Beta\s+€300\.00\s+€295\.00\s+€200\.00\s+-€195\.00\s+-65\.00 %/m);
    assert.doesNotMatch(table.stdout, /\$/);
    const json = await runCli(['analyze', '--from', '2025-01-01', '--to', '2025-03-31', '--json'], { dataDir, env });
    assertSucceeded(json);
    const doc = JSON.parse(json.stdout) as AnalysisDocument & { currency: string };
    assert.equal(doc.currency, 'EUR');
    const acme = doc.clients.find((c) => c.clientName === 'Acme')!;
    assert.deepEqual(acme.attribution.contributions, { revenue: 191.04, labor_cost: -74.1, license_cost: -74.86 });
    assert.match(acme.explanation.join(' '), /Revenue €1,800\.00 .*16\.00 h at each technician's burdened cost rate, €45\.00\/h/);
    assert.match(
      acme.explanation.join(' '),
      /the \+42\.08 point difference comes from: revenue \+191\.04 pts, license cost -74\.86 pts, labor cost -74\.10 pts/,
    );
    const tooPrecise: string[] = [];
    const walk = (value: unknown, at: string): void => {
      if (typeof value === 'number' && Math.abs(value * 100 - Math.round(value * 100)) > 1e-6) tooPrecise.push(`${at}=${value}`);
      else if (value !== null && typeof value === 'object') for (const [key, child] of Object.entries(value)) if (key !== 'score') walk(child, `${at}.${key}`);
    };
    walk(doc, '');
    assert.deepEqual(tooPrecise, []);
  });

  test('bad arguments are one-line errors', async () => {
    assertOneLineError(await runCli(['analyze', '--from', '2025-13-45x'], { dataDir }), /--from '2025-13-45x' is not a date/, 2);
    assertOneLineError(await runCli(['analyze', '--client', 'Nobody'], { dataDir }), "--client 'Nobody': no client has this id or name");
  });
});

describe('moatmetrics analyze: a client with more than a thousand hours', () => {
  let dataDir: string;
  before(async () => {
    dataDir = scratchDir();
    // 130 entries of 9.5 h = 1,235 h at $40.00 = $49,400 of labor against $12,000.50 of revenue.
    const timeLogs = ['log_id,client_id,staff_name,date,hours,billable'];
    for (let i = 0; i < 130; i++) timeLogs.push(`Z${i},Z1,Zed,2025-0${1 + (i % 6)}-${String(1 + (i % 28)).padStart(2, '0')},9.5,${i % 2 === 0}`);
    const files = {
      clients: 'client_id,client_name,industry\nZ1,Zeta,Retail\n',
      staff: 'staff_name,cost_rate,weekly_capacity_hours\nZed,40.00,40\n',
      invoices: 'invoice_id,client_id,invoice_date,total_amount,status\nZI1,Z1,2025-03-31,12000.50,paid\n',
      time_logs: `${timeLogs.join('\n')}\n`,
    };
    for (const [dataset, content] of Object.entries(files)) {
      assertSucceeded(await runCli(['import', dataset, writeScratchFile(dataDir, `${dataset}.csv`, content)], { dataDir }));
    }
  });
  after(() => removeScratchDirs());

  test('hours and amounts are grouped by thousands; one client is "1 client"', async () => {
    const result = await runCli(['analyze'], { dataDir });
    assertSucceeded(result);
    assert.match(result.stdout, /^Portfolio: revenue \$12,000\.50, cost \$49,400\.00 .*gross profit -\$37,399\.50, margin -311\.65 %$/m);
    assert.match(result.stdout, /^ {11}1 client, 1,235\.00 h \(50\.00 % billable\), staff utilization/m);
    assert.match(result.stdout, /^Zed\s+1,235\.00 h\s+617\.50 h\s+50\.00 %/m);
  });

  test('--industry matches as the API does: any case and spacing; an unknown industry is refused, not an empty analysis', async () => {
    const matched = await runCli(['analyze', '--industry', ' retail ', '--json'], { dataDir });
    assertSucceeded(matched);
    const doc = JSON.parse(matched.stdout) as { filters: { industries: string[] }; clients: Array<{ clientName: string }> };
    assert.deepEqual(doc.filters.industries, ['Retail']);
    assert.deepEqual(
      doc.clients.map((c) => c.clientName),
      ['Zeta'],
    );
    assertOneLineError(await runCli(['analyze', '--industry', 'Mining'], { dataDir }), "--industry 'Mining': no client is in this industry");
  });
});
