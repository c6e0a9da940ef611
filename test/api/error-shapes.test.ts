import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { ANONYMOUS, errorOf, startApiTest, type ApiTest } from './api-test-app.js';
import { flushSecurityEvents } from '../../src/governance/security-events.js';

/**
 * Every error — Fastify's own included (a URL the router cannot decode, bad JSON, a wrong
 * content type, an unknown route, a request Node's HTTP parser refuses) — has the one shape
 * `{ error: { code, message, details } }`, carries the security headers, and never shows
 * Fastify's internal FST_ codes.
 */
describe("the one error shape, for Fastify's own errors too", () => {
  let api: ApiTest;
  before(async () => {
    api = await startApiTest('sqlite');
    await api.app.ready();
  });
  after(async () => {
    await api.close();
  });

  const assertShaped = (response: LightMyRequestResponse, status: number, code: string, reason?: string) => {
    assert.equal(response.statusCode, status, response.body);
    const error = errorOf(response);
    assert.equal(error.code, code, response.body);
    assert.deepEqual(Object.keys(response.json() as object), ['error']);
    if (reason !== undefined) assert.deepEqual((error.details as { reason?: string }).reason, reason);
    assert.doesNotMatch(response.body, /FST_/);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.equal(response.headers['x-frame-options'], 'SAMEORIGIN');
    assert.match(String(response.headers['content-security-policy']), /default-src 'self'/);
  };

  test('a URL the router cannot decode (%FF) is refused in our shape with security headers, and recorded', async () => {
    for (const headers of [{}, ANONYMOUS]) {
      const response = await api.app.inject({ method: 'GET', url: '/api/v1/results/%FF', headers });
      assertShaped(response, 400, 'MM_VALIDATION', 'malformed URL');
      assert.equal(errorOf(response).message, 'The URL is not valid: a %XX escape in its path does not encode UTF-8 text.');
    }
    await flushSecurityEvents(api.t.database.kysely);
    const events = await api.t.database.kysely
      .selectFrom('security_events')
      .select(['kind', 'route', 'detail'])
      .where('route', '=', '/api/v1/results/%FF')
      .execute();
    const probe = ['suspicious_input', 'malformed percent-encoding'];
    assert.deepEqual(
      events.map((e) => [e.kind, e.detail]),
      [probe, probe],
    );
    const tooLong = await api.app.inject({ method: 'GET', url: `/api/v1/results/${'x'.repeat(300)}` });
    assertShaped(tooLong, 400, 'MM_VALIDATION', 'URL parameter too long');
  });

  test('bad JSON, an empty JSON body, a wrong content type and an unknown route', async () => {
    const json = (payload: string, type = 'application/json'): InjectOptions => ({
      method: 'POST',
      url: '/api/v1/users',
      headers: { 'content-type': type },
      payload,
    });
    assertShaped(await api.app.inject(json('{"username": ')), 400, 'MM_VALIDATION', 'invalid JSON');
    assertShaped(await api.app.inject(json('')), 400, 'MM_VALIDATION', 'empty JSON body');
    const xml = await api.app.inject(json('<user/>', 'application/xml'));
    assertShaped(xml, 400, 'MM_VALIDATION', 'unsupported content type');
    assert.equal(errorOf(xml).message, "The content type 'application/xml' is not accepted here: send JSON with Content-Type: application/json.");
    assertShaped(await api.app.inject({ method: 'GET', url: '/api/v1/nothing-here' }), 404, 'MM_NOT_FOUND');
    assertShaped(await api.app.inject({ method: 'GET', url: '/api/v1/nothing-here', headers: ANONYMOUS }), 404, 'MM_NOT_FOUND');
  });

  test('a request Node refuses before Fastify sees it is answered in our shape on the socket', async () => {
    const other = await startApiTest('sqlite');
    try {
      await other.app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = other.app.server.address() as { port: number };
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n'));
        let text = '';
        socket.on('data', (chunk) => (text += chunk.toString()));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
      });
      const [head, body] = raw.split('\r\n\r\n') as [string, string];
      assert.match(head, /^HTTP\/1\.1 400 Bad Request\r\n/);
      assert.match(head, /\r\nX-Content-Type-Options: nosniff\r\n/);
      assert.match(head, /\r\nContent-Security-Policy: default-src 'none'/);
      assert.deepEqual(JSON.parse(body), {
        error: { code: 'MM_VALIDATION', message: 'The request is not valid HTTP.', details: { reason: 'malformed HTTP request' } },
      });
    } finally {
      await other.close();
    }
  });
});
