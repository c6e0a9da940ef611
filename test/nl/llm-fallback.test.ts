import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { askQuestion } from '../../src/nl/ask.js';
import { importEdgeCaseMsp } from '../support/edge-case-msp.js';
import { createTestContext, type TestContext } from '../support/test-database.js';

/**
 * The optional local LLM (`nl.llm.url`) against a small server speaking the OpenAI chat
 * completions protocol: a good plan is answered with lower confidence and says so; garbage,
 * an invalid plan, an unknown name, a timeout or an off-machine URL leave the clarify.
 */
const question = 'how are the books looking for acme in q1 2025';
let reply: (res: import('node:http').ServerResponse) => void = () => undefined;
const received: unknown[] = [];
let server: Server;
let url = '';

const completion = (content: string) => (res: import('node:http').ServerResponse) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] }));
};

async function ask(t: TestContext, overrides: Record<string, unknown> = {}) {
  const config = { ...t.config, nl: { llm: { ...t.config.nl.llm, url, timeout_ms: 300, ...overrides } } };
  return askQuestion(t.database, config, question, { actor: 'test', asOf: '2025-03-31' });
}

describe('local LLM fallback for questions the grammar cannot map', () => {
  let t: TestContext;
  before(async () => {
    t = await createTestContext('sqlite');
    await importEdgeCaseMsp(t);
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ path: req.url, body: JSON.parse(body) as unknown });
        reply(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await t.cleanup();
  });

  test('off by default: the grammar asks back and no request is made', async () => {
    received.length = 0;
    const answer = await askQuestion(t.database, t.config, question, { actor: 'test', asOf: '2025-03-31' });
    assert.equal(answer.status, 'clarify');
    assert.equal(received.length, 0);
  });

  test('a valid plan is validated, answered with lower confidence, and says who proposed it', async () => {
    received.length = 0;
    reply = completion('```json\n{"measures": ["revenue"], "filters": {"clients": ["Acme"], "from": "2025-01-01", "to": "2025-03-31"}}\n```');
    const answer = await ask(t);
    assert.equal(answer.status, 'answered');
    assert.deepEqual(answer.rows, [[1800]]);
    assert.ok(answer.confidence !== null && answer.confidence <= 0.5, `confidence ${answer.confidence}`);
    assert.match(answer.explanation, /proposed by the local language model/);
    const sent = received[0] as { path: string; body: { messages: Array<{ role: string; content: string }> } };
    assert.equal(sent.path, '/v1/chat/completions');
    assert.equal(sent.body.messages.at(-1)!.content, question);
  });

  test('garbage, an invalid plan or an unknown client leave the clarify, with the reason', async () => {
    for (const [content, reason] of [
      ['I think revenue is up!', /not JSON/],
      ['{"measures": ["revenue; DROP TABLE invoices"]}', /plan is invalid/],
      ['{"measures": ["revenue"], "filters": {"clients": ["Nobody Ltd"]}}', /unknown client/],
    ] as const) {
      reply = completion(content);
      const answer = await ask(t);
      assert.equal(answer.status, 'clarify', content);
      assert.deepEqual(answer.rows, []);
      assert.match(answer.explanation, reason);
    }
    reply = (res) => res.end('not even a response object');
    assert.equal((await ask(t)).status, 'clarify');
  });

  test('a model that does not answer in time is given up on', async () => {
    reply = () => undefined;
    const started = Date.now();
    const answer = await ask(t, { timeout_ms: 200 });
    assert.equal(answer.status, 'clarify');
    assert.match(answer.explanation, /no reply within 200 ms/);
    assert.ok(Date.now() - started < 2000);
  });

  test('only a model on this machine is asked', async () => {
    received.length = 0;
    const answer = await ask(t, { url: 'http://192.0.2.1:11434' });
    assert.equal(answer.status, 'clarify');
    assert.match(answer.explanation, /localhost only/);
    assert.equal(received.length, 0);
  });
});
