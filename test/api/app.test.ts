import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isRoutePermission } from '../../src/api/auth-hook.js';
import { ANONYMOUS, errorOf, startApiTest, type ApiTest } from './api-test-app.js';

describe('the API application', () => {
  let api: ApiTest;
  before(async () => {
    api = await startApiTest('sqlite');
    api.app.get('/test/boom', { config: { permission: 'public' } }, async () => {
      const error = new Error('SQLITE_ERROR: no such column: secret in SELECT secret FROM clients at /srv/moatmetrics/data/moatmetrics.db');
      throw error;
    });
    await api.app.ready();
  });
  after(async () => {
    await api.close();
  });

  test("every route declares a permission (collected by the app's onRoute hook)", () => {
    const routes = api.app.routePermissions;
    const undeclared = routes.filter((route) => !isRoutePermission(route.permission)).map((route) => `${route.method} ${route.url}`);
    assert.deepEqual(undeclared, []);
    // The table misses nothing Fastify routes: every route it lists exists, and so does every route it should list.
    for (const route of routes) assert.ok(api.app.hasRoute({ method: route.method as 'GET', url: route.url }), `${route.method} ${route.url}`);
    const expected = [
      'GET /healthz',
      'GET /readyz',
      'GET /docs/json',
      'GET /docs/',
      'POST /api/v1/imports/:dataset',
      'GET /api/v1/imports',
      'GET /api/v1/imports/:id',
      'GET /api/v1/imports/:id/rejects',
      'GET /api/v1/versions',
      'GET /api/v1/versions/:number',
      'POST /api/v1/versions/:number/rollback',
      'GET /api/v1/import-profiles',
      'POST /api/v1/import-profiles',
      'DELETE /api/v1/import-profiles/:name',
      'GET /test/boom',
    ];
    const listed = new Set(routes.map((route) => `${route.method} ${route.url}`));
    assert.deepEqual(
      expected.filter((route) => !listed.has(route)),
      [],
    );
    const permissionOf = (method: string, url: string) => routes.find((route) => route.method === method && route.url === url)?.permission;
    assert.equal(permissionOf('POST', '/api/v1/imports/:dataset'), 'data:import');
    assert.equal(permissionOf('GET', '/api/v1/imports/:id'), 'data:read');
    assert.equal(permissionOf('POST', '/api/v1/versions/:number/rollback'), 'data:delete');
    assert.equal(permissionOf('GET', '/api/v1/import-profiles'), 'data:read');
    assert.equal(permissionOf('POST', '/api/v1/import-profiles'), 'data:import');
    assert.equal(permissionOf('DELETE', '/api/v1/import-profiles/:name'), 'data:import');
    assert.equal(permissionOf('GET', '/healthz'), 'public');
    assert.equal(permissionOf('GET', '/docs/json'), 'public');
  });

  test('a route without a permission stops the app at start-up', async () => {
    const other = await startApiTest('sqlite');
    try {
      other.app.get('/test/unguarded', async () => 'open');
      await assert.rejects(async () => other.app.ready(), /without a valid config\.permission.*GET \/test\/unguarded/);
    } finally {
      await other.t.cleanup();
    }
  });

  test('GET /healthz is live', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ok' });
  });

  test('GET /readyz reports the database and the current version to a logged-in caller only', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ready', database: 'sqlite', version: 0 });
    const anonymous = await api.app.inject({ method: 'GET', url: '/readyz', headers: ANONYMOUS });
    assert.equal(anonymous.statusCode, 200);
    assert.deepEqual(anonymous.json(), { status: 'ready' }, 'no engine or dataset version for anonymous probers');
    const forgedToken = 'mmt_000000000000_forgedforgedforgedforgedforgedforgedforgedfor';
    const forged = await api.app.inject({ method: 'GET', url: '/readyz', headers: { authorization: `Bearer ${forgedToken}` } });
    assert.deepEqual([forged.statusCode, forged.json()], [200, { status: 'ready' }], 'a bad token is answered as anonymous, not refused');
  });

  test('the OpenAPI document at /docs/json lists the routes with their parameters', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/docs/json' });
    assert.equal(response.statusCode, 200);
    const document = response.json() as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { parameters?: Array<{ name: string }>; requestBody?: { content: Record<string, unknown> }; responses: Record<string, unknown> }>
      >;
    };
    assert.match(document.openapi, /^3\./);
    const upload = document.paths['/api/v1/imports/{dataset}']?.post;
    assert.ok(upload, `import route missing: ${Object.keys(document.paths).join(', ')}`);
    assert.deepEqual(upload.parameters?.map((p) => p.name).sort(), [
      'client',
      'dataset',
      'date_order',
      'dry_run',
      'file_name',
      'force',
      'mode',
      'preset',
      'prices',
      'replace_demo',
      'sheet',
    ]);
    assert.deepEqual(Object.keys(upload.requestBody?.content ?? {}).sort(), ['application/octet-stream', 'multipart/form-data', 'text/csv']);
    assert.deepEqual(Object.keys(upload.responses).sort(), ['200', '201', '400', '404', '409', '413', '422', '500']);
    for (const path of [
      '/healthz',
      '/readyz',
      '/api/v1/imports',
      '/api/v1/imports/{id}',
      '/api/v1/imports/{id}/rejects',
      '/api/v1/versions',
      '/api/v1/versions/{number}',
      '/api/v1/versions/{number}/rollback',
    ]) {
      assert.ok(document.paths[path], `${path} missing from the OpenAPI document`);
    }
    assert.equal(
      Object.keys(document.paths).some((path) => path.startsWith('/docs')),
      false,
    );
    const ui = await api.app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(ui.statusCode, 200);
    assert.match(ui.headers['content-type'] as string, /text\/html/);
  });

  test('the OpenAPI document declares the bearer token and session cookie, and every non-public route asks for one of them', async () => {
    const document = (await api.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      components?: { securitySchemes?: Record<string, Record<string, unknown>> };
      paths: Record<string, Record<string, { security?: Array<Record<string, string[]>> }>>;
    };
    assert.deepEqual(document.components?.securitySchemes?.bearerToken?.type, 'http');
    assert.deepEqual(document.components?.securitySchemes?.bearerToken?.scheme, 'bearer');
    assert.deepEqual(
      [
        document.components?.securitySchemes?.sessionCookie?.type,
        document.components?.securitySchemes?.sessionCookie?.in,
        document.components?.securitySchemes?.sessionCookie?.name,
      ],
      ['apiKey', 'cookie', 'mm_session'],
    );
    const either = [{ bearerToken: [] }, { sessionCookie: [] }];
    assert.deepEqual(document.paths['/api/v1/analytics/overview']?.get?.security, either);
    assert.deepEqual(document.paths['/api/v1/imports/{dataset}']?.post?.security, either);
    assert.deepEqual(document.paths['/api/v1/auth/login']?.post?.security, [], 'logging in needs no credentials');
    assert.deepEqual(document.paths['/healthz']?.get?.security, []);
    for (const entry of api.app.routePermissions) {
      const path = entry.url.replace(/:(\w+)/g, '{$1}');
      const operation = document.paths[path]?.[entry.method.toLowerCase()];
      if (!operation) continue;
      assert.deepEqual(operation.security, entry.permission === 'public' ? [] : either, `${entry.method} ${entry.url}`);
    }
  });

  test('an unknown route is a 404 in the error shape', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/api/v1/nothing-here?x=1' });
    assert.equal(response.statusCode, 404);
    assert.deepEqual(response.json(), { error: { code: 'MM_NOT_FOUND', message: 'No route GET /api/v1/nothing-here.' } });
  });

  test('an invalid parameter is MM_VALIDATION naming it', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/api/v1/imports?limit=0' });
    assert.equal(response.statusCode, 400);
    const error = errorOf(response);
    assert.equal(error.code, 'MM_VALIDATION');
    assert.match(error.message, /querystring\.limit/);
    assert.deepEqual(
      (error.details as { issues: Array<{ location: string; path: string }> }).issues.map((i) => [i.location, i.path]),
      [['querystring', 'limit']],
    );
  });

  test('an unexpected error is a generic MM_INTERNAL: no message, stack or SQL leaks', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/test/boom' });
    assert.equal(response.statusCode, 500);
    const error = errorOf(response);
    assert.equal(error.code, 'MM_INTERNAL');
    assert.match(error.message, /unexpected error.*request id/);
    for (const leak of ['SELECT', 'secret', 'SQLITE', '/srv', 'at ', '.ts:', 'stack']) {
      assert.equal(response.body.includes(leak), false, `response leaks '${leak}': ${response.body}`);
    }
  });
});

describe('the API with its database gone', () => {
  test('readyz is 503 MM_DATABASE_UNAVAILABLE and a data route a generic 500', async () => {
    const api = await startApiTest('sqlite');
    try {
      await api.app.ready();
      await api.t.database.kysely.destroy();
      // The admin's token cannot be checked without the database: the prober is answered as anonymous, without the engine.
      const ready = await api.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(ready.statusCode, 503);
      assert.deepEqual(ready.json(), { error: { code: 'MM_DATABASE_UNAVAILABLE', message: 'The database is not answering.' } });
      const versions = await api.app.inject({ method: 'GET', url: '/api/v1/versions' });
      assert.equal(versions.statusCode, 500);
      assert.equal(errorOf(versions).code, 'MM_INTERNAL');
      assert.doesNotMatch(versions.body, /destroyed|kysely|driver/i);
    } finally {
      await api.app.close();
      await api.t.cleanup().catch(() => undefined);
    }
  });
});
