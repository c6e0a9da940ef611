import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { engines } from '../support/test-database.js';
import { ANONYMOUS, clientsCsv, csvUpload, errorOf, formUpload, formUploadWithLength, startApiTest, type ApiTest } from './api-test-app.js';
import { flushSecurityEvents } from '../../src/governance/security-events.js';

/**
 * A NUL character in any text input is refused before it reaches the database (PostgreSQL
 * text cannot hold one: it used to answer 500, and the attempt went unrecorded).
 */
for (const engine of engines) {
  describe(`NUL characters in requests on ${engine}`, () => {
    let api: ApiTest;
    before(async () => {
      api = await startApiTest(engine);
      await api.app.ready();
    });
    after(async () => {
      await api.close();
    });

    const refusedAt = async (request: InjectOptions, field: string) => {
      const response = await api.app.inject(request);
      assert.equal(response.statusCode, 400, `${request.method} ${request.url}: ${response.body}`);
      assert.deepEqual(errorOf(response), {
        code: 'MM_INPUT_NUL_BYTE',
        message: `${field} contains a NUL character (\\0); no text sent to MoatMetrics may contain one`,
        details: { field },
      });
      assert.ok(response.headers['content-security-policy'], 'security headers');
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
    };
    const events = async () => {
      await flushSecurityEvents(api.t.database.kysely);
      return api.t.database.kysely.selectFrom('security_events').select(['kind', 'actor', 'route', 'detail']).where('kind', '=', 'suspicious_input').execute();
    };

    test('a login with NUL is refused, recorded as suspicious input and audited as a failed login', async () => {
      const login = (payload: Record<string, string>): InjectOptions => ({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: ANONYMOUS,
        payload,
      });
      await refusedAt(login({ username: 'adm\u0000in', password: 'whatever it is' }), 'body.username');
      await refusedAt(login({ username: 'admin', password: 'what\u0000ever' }), 'body.password');
      const audited = await api.t.database.kysely
        .selectFrom('audit_events')
        .select(['actor', 'outcome', 'details_json'])
        .where('action', '=', 'auth.login')
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        audited.map((e) => [e.actor, e.outcome, JSON.parse(e.details_json).reason]),
        [
          ['adm\u2400in', 'failure', 'MM_INPUT_NUL_BYTE'],
          ['admin', 'failure', 'MM_INPUT_NUL_BYTE'],
        ],
      );
      const recorded = await events();
      assert.equal(recorded.length, 2);
      const fromLogin = recorded.every((e) => e.route === '/api/v1/auth/login' && e.detail.startsWith('MM_INPUT_NUL_BYTE: body.'));
      assert.ok(fromLogin, JSON.stringify(recorded));
    });

    test('in the query string, path parameters, an unmatched path, headers and JSON bodies (values and keys)', async () => {
      await refusedAt({ method: 'GET', url: '/api/v1/audit?actor=x%00y' }, 'query.actor');
      await refusedAt({ method: 'GET', url: '/api/v1/results?kind=%00' }, 'query.kind');
      await refusedAt({ method: 'PATCH', url: '/api/v1/users/ad%00min', payload: { role: 'viewer' } }, 'params.username');
      await refusedAt({ method: 'GET', url: '/api/v1/imports/abc%00def' }, 'params.id');
      await refusedAt({ method: 'GET', url: '/api/v1/nowhere%00' }, 'path');
      const header = { 'x-forwarded-host': 'evil\u0000.example' };
      await refusedAt({ method: 'GET', url: '/api/v1/versions', headers: header }, 'headers.x-forwarded-host');
      await refusedAt({ method: 'POST', url: '/api/v1/users', payload: { username: 'nul\u0000user', role: 'viewer' } }, 'body.username');
      const scoped = { username: 'nuluser', role: 'viewer', clientScope: ['C1', 'C\u00002'] };
      await refusedAt({ method: 'POST', url: '/api/v1/users', payload: scoped }, 'body.clientScope.1');
      await refusedAt({ method: 'POST', url: '/api/v1/tokens', payload: { ['na\u0000me']: 'x' } }, 'body.na\u2400me');
      // Anonymous callers are refused the same way, before authentication touches anything.
      await refusedAt({ method: 'GET', url: '/api/v1/audit?actor=%00', headers: ANONYMOUS }, 'query.actor');
      const created = await api.t.database.kysely.selectFrom('users').select('username').where('username', 'like', 'nul%').execute();
      assert.equal(created.length, 0);
    });

    test('in X-Forwarded-For from a trusted proxy: refused and still recorded, with the address made printable', async () => {
      const proxied = await startApiTest(engine, { 'server.trust_proxy': true });
      try {
        const headers = { 'x-forwarded-for': '192.0.2.1\u0000' };
        const response = await proxied.app.inject({ method: 'GET', url: '/api/v1/versions', headers });
        assert.equal(errorOf(response).code, 'MM_INPUT_NUL_BYTE');
        await flushSecurityEvents(proxied.t.database.kysely);
        const recorded = await proxied.t.database.kysely.selectFrom('security_events').select(['kind', 'ip']).execute();
        assert.deepEqual(recorded, [{ kind: 'suspicious_input', ip: '192.0.2.1\u2400' }]);
      } finally {
        await proxied.close();
      }
    });

    test('in an upload: the query, multipart fields and the multipart file name; nothing is imported', async () => {
      await refusedAt(csvUpload('/api/v1/imports/clients?file_name=a%00.csv', clientsCsv), 'query.file_name');
      await refusedAt(formUpload('/api/v1/imports/clients', clientsCsv, 'clients.csv', { mode: 'len\u0000ient' }), 'form.mode');
      await refusedAt(formUploadWithLength('/api/v1/imports/clients', clientsCsv, 'cli\u0000ents.csv'), 'multipart file name');
      assert.equal((await api.t.database.kysely.selectFrom('imports').select('id').execute()).length, 0);
      const recorded = await events();
      const fileName = recorded.some((e) => e.detail.startsWith('MM_INPUT_NUL_BYTE: multipart file name'));
      assert.ok(fileName, JSON.stringify(recorded.map((e) => e.detail)));
    });
  });
}
