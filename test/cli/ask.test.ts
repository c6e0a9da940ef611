import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { NlAnswer } from '../../src/nl/answer.js';
import { edgeCaseMsp } from '../support/edge-case-msp.js';
import { assertSucceeded, removeScratchDirs, runCli, scratchDir, writeScratchFile } from './cli-harness.js';

describe('moatmetrics ask', () => {
  let dataDir: string;
  before(async () => {
    dataDir = scratchDir();
    for (const [dataset, content] of Object.entries(edgeCaseMsp)) {
      assertSucceeded(await runCli(['import', dataset, writeScratchFile(dataDir, `${dataset}.csv`, content)], { dataDir }));
    }
  });
  after(() => removeScratchDirs());

  const askJson = async (question: string, extra: string[] = []): Promise<NlAnswer> => {
    const result = await runCli(['ask', '--json', ...extra, question], { dataDir });
    assertSucceeded(result);
    assert.equal(result.stdout.trim().split('\n').length, 1, 'exactly one JSON object on one line');
    return JSON.parse(result.stdout) as NlAnswer;
  };

  test('--json: one object with the plan, rows as numbers, confidence, explanation and no chart for a number', async () => {
    // Acme in Q1 2025: 1000 + 1000 − 200 (credit note); the void 500 is not revenue.
    const answer = await askJson("what was ACME's rev in q1 25?");
    assert.deepEqual(Object.keys(answer), [
      'status',
      'question',
      'plan',
      'columns',
      'rows',
      'confidence',
      'explanation',
      'cached',
      'suggestions',
      'chart',
      'review',
      'conversationId',
    ]);
    assert.equal(answer.status, 'answered');
    assert.deepEqual(answer.rows, [[1800]]);
    assert.deepEqual(answer.plan?.filters, { from: '2025-01-01', to: '2025-03-31', clients: ['C1'] });
    assert.equal(answer.chart, null);
    assert.ok(answer.confidence !== null && answer.confidence > 0 && answer.confidence <= 1);
    assert.match(answer.explanation, /Acme.*Q1 2025.*\$1,800\.00/);
  });

  test('a ranking is a bar chart in the order of its rows; --as-of anchors "last quarter"', async () => {
    const answer = await askJson('gm% by client last qtr', ['--as-of', '2025-04-15']);
    assert.equal(answer.status, 'answered');
    assert.deepEqual(answer.columns, ['client', 'gross margin %']);
    // Q1 2025 (DESIGN section 4 fixture): Delta 100 %, Acme 18.33 %, Beta −65 %; Cobalt has no revenue and comes last.
    assert.deepEqual(answer.rows, [
      ['Delta', 100],
      ['Acme', 18.33],
      ['Beta', -65],
      ['Cobalt', null],
    ]);
    assert.equal((answer.chart as { mark: string }).mark, 'bar');
  });

  test('the table, the explanation and the confidence without --json; MOATMETRICS_DATA_DIR is honoured', async () => {
    const result = await runCli(['ask', 'hours by month q1 2025'], { env: { MOATMETRICS_DATA_DIR: dataDir } });
    assertSucceeded(result);
    assert.match(result.stdout, /^month\s+hours$/m);
    assert.match(result.stdout, /^2025-01\s+16\.00 h$/m);
    assert.match(result.stdout, /Confidence \d\.\d\d/);
  });

  test('the table shows money to the cent in the currency and percentages with a sign, as analyze does', async () => {
    const money = await runCli(['ask', "what was ACME's rev in q1 25?"], { dataDir });
    assertSucceeded(money);
    assert.match(money.stdout, /^\$1,800\.00$/m);
    const margins = await runCli(['ask', '--as-of', '2025-04-15', 'gm% by client last qtr'], { dataDir });
    assertSucceeded(margins);
    assert.match(margins.stdout, /^Acme\s+18\.33 %$/m);
    assert.match(margins.stdout, /^Beta\s+-65\.00 %$/m);
    assert.match(margins.stdout, /^Cobalt\s+—$/m);
  });

  test('an unknown name or a period after the data is asked back; a payload is refused and recorded', async () => {
    const unknown = await askJson('hours for Zebra Corp last quarter', ['--as-of', '2025-03-31']);
    assert.equal(unknown.status, 'clarify');
    assert.deepEqual(unknown.rows, []);
    const future = await askJson('revenue in 2026', ['--as-of', '2025-03-31']);
    assert.equal(future.status, 'clarify');
    const refused = await askJson("'; DROP TABLE invoices; --");
    assert.equal(refused.status, 'refused');
    const text = await runCli(['ask', '<script>alert(1)</script>'], { dataDir });
    assertSucceeded(text);
    assert.match(text.stdout, /^Refused: /);
    assert.doesNotMatch(text.stdout, /<script>/);

    const audit = await runCli(['audit', 'list', '--json'], { dataDir });
    assertSucceeded(audit);
    const events = (JSON.parse(audit.stdout) as { events: Array<{ action: string; target: string; outcome: string }> }).events.filter(
      (e) => e.action === 'nl.ask',
    );
    assert.deepEqual(
      events.slice(-4).map((e) => [e.target, e.outcome]),
      [
        ['clarify', 'success'],
        ['clarify', 'success'],
        ['refused', 'denied'],
        ['refused', 'denied'],
      ],
    );
  });

  test('--follow-up refines the previous answer; the conversation is a file only its owner reads', async () => {
    const start = (await askJson('top 2 clients by revenue q1 2025')) as NlAnswer & { conversationId: string };
    assert.deepEqual(start.rows, [
      ['Acme', 1800],
      ['Delta', 400],
    ]);
    assert.match(start.conversationId, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(statSync(path.join(dataDir, 'conversations', `${start.conversationId}.json`)).mode & 0o777, 0o600);
    const february = (await askJson('and in February 2025?', ['--follow-up', start.conversationId])) as NlAnswer & { conversationId: string };
    assert.deepEqual(february.rows, [
      ['Acme', 1000],
      ['Delta', 400],
    ]);
    assert.match(february.explanation, /^Follow-up: changed the period to February 2025; kept /);
    assert.equal(february.conversationId, start.conversationId);
    const text = await runCli(['ask', '--follow-up', start.conversationId, 'only legal'], { dataDir });
    assertSucceeded(text);
    assert.match(text.stdout, /^Delta\s+\$400\.00$/m);
    assert.match(text.stdout, new RegExp(`--follow-up ${start.conversationId}`));
    const unknown = await runCli(['ask', '--follow-up', 'AAAAAAAAAAAAAAAAAAAAAA', 'and last year?'], { dataDir });
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /no such conversation/);
    const bad = await runCli(['ask', '--follow-up', '../../etc/passwd', 'and last year?'], { dataDir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /is not a conversation id/);
  });

  test('--as-of must be a date', async () => {
    const result = await runCli(['ask', '--as-of', 'last week', 'revenue'], { dataDir });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--as-of 'last week' is not a date/);
  });
});
