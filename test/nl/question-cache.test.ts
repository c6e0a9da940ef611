import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { flushSecurityEvents } from '../../src/governance/security-events.js';
import { importFile } from '../../src/ingest/import-file.js';
import { askQuestion, askWithContext } from '../../src/nl/ask.js';
import { questionCacheOf, questionKeyText } from '../../src/nl/question-cache.js';
import { semanticCacheCounters } from '../../src/nl/semantic-cache.js';
import { importEdgeCaseMsp } from '../support/edge-case-msp.js';
import { createTestContext, type TestContext } from '../support/test-database.js';

/**
 * The question cache in front of the semantic cache, on the edge-case MSP (Q1 2025 revenue:
 * Acme 1800, Beta 300, Delta 400): a question asked again in the same words is not parsed
 * again, yet is answered from the semantic cache as before, and never across a new dataset
 * version, another client scope or another follow-up context.
 */
describe('question cache', () => {
  let t: TestContext;
  const asOf = '2025-03-31';
  const ask = (question: string, extra: { clientScope?: string[] } = {}) => askQuestion(t.database, t.config, question, { asOf, actor: 'test', ...extra });
  const counts = () => ({ ...semanticCacheCounters(), found: questionCacheOf(t.database).hits, notFound: questionCacheOf(t.database).misses });

  before(async () => {
    t = await createTestContext('sqlite');
    await importEdgeCaseMsp(t);
  });
  after(async () => {
    await t.cleanup();
  });

  test('the same words again: not parsed again, answered from the semantic cache, hits and misses counted as before', async () => {
    const start = counts();
    const first = await ask('revenue by client q1 2025');
    const again = await ask('  revenue by client\tq1 2025 ');
    const end = counts();
    assert.deepEqual([first.cached, again.cached], [false, true]);
    assert.deepEqual(again.rows, first.rows);
    assert.equal(again.question, '  revenue by client\tq1 2025 ', 'each answer quotes its own asking');
    assert.equal(again.explanation, first.explanation);
    assert.deepEqual([end.found - start.found, end.notFound - start.notFound], [1, 1]);
    assert.deepEqual([end.hits - start.hits, end.misses - start.misses], [1, 1]);
  });

  test('another phrasing is parsed, and shares the semantic entry; top 5 and top 10 do not', async () => {
    await ask('gross margin by client for Q1 2025');
    const start = counts();
    const other = await ask('GM% per customer, 2025-01-01 to 2025-03-31');
    assert.equal(other.cached, true);
    const top5 = await ask('top 5 clients by revenue q1 2025');
    const top10 = await ask('top 10 clients by revenue q1 2025');
    assert.deepEqual([top5.cached, top10.cached], [false, false]);
    const end = counts();
    assert.deepEqual([end.found - start.found, end.notFound - start.notFound], [0, 3]);
  });

  test('case is part of the words: a capitalised unknown name is asked back, whatever was answered before', async () => {
    const lower = await ask('hours copperfield q1 2025');
    const named = await ask('hours Copperfield q1 2025');
    assert.equal(lower.status, 'answered');
    assert.equal(named.status, 'clarify');
    assert.equal(questionKeyText(' a  b\n'), 'a b');
  });

  test('a scoped caller gets their own reading and their own numbers', async () => {
    const everyone = await ask('total revenue q1 2025');
    const acme = await ask('total revenue q1 2025', { clientScope: ['C1'] });
    assert.deepEqual([everyone.rows, acme.rows], [[[2500]], [[1800]]]);
  });

  test('a follow-up is read against its conversation: the same words after another question read differently', async () => {
    const first = await askWithContext(t.database, t.config, 'top 2 clients by revenue q1 2025', { asOf, actor: 'test' });
    const second = await askWithContext(t.database, t.config, 'hours by client q1 2025', { asOf, actor: 'test' });
    const afterRevenue = await askQuestion(t.database, t.config, 'and in February 2025?', { asOf, actor: 'test', previous: first.turn });
    const afterHours = await askQuestion(t.database, t.config, 'and in February 2025?', { asOf, actor: 'test', previous: second.turn });
    assert.deepEqual(
      [afterRevenue.columns, afterHours.columns],
      [
        ['client', 'revenue'],
        ['client', 'hours'],
      ],
    );
  });

  test('a refusal is refused (and recorded) every time; it is never remembered', async () => {
    const before = questionCacheOf(t.database).size;
    const one = await ask("revenue'; DROP TABLE invoices; --");
    const two = await ask("revenue'; DROP TABLE invoices; --");
    assert.deepEqual([one.status, two.status], ['refused', 'refused']);
    assert.equal(questionCacheOf(t.database).size, before);
    await flushSecurityEvents(t.database.kysely);
    const events = await t.database.kysely.selectFrom('security_events').select('kind').where('kind', '=', 'suspicious_input').execute();
    assert.equal(events.length, 2);
  });

  test('an import makes a new dataset version: the question is read again, on the new data', async () => {
    const before = await ask('total revenue q1 2025');
    const report = await importFile(t.database, t.config, {
      dataset: 'invoices',
      file: t.file('more.csv', 'invoice_id,client_id,invoice_date,total_amount,status\nI9,C3,2025-02-02,1000.00,paid\n'),
    });
    assert.equal(report.status, 'succeeded', report.message);
    const start = counts();
    const after = await ask('total revenue q1 2025');
    assert.equal(after.cached, false);
    assert.deepEqual([before.rows, after.rows], [[[2500]], [[3500]]]);
    assert.equal(counts().notFound - start.notFound, 1);
  });
});
