import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiToken } from '../../src/auth/api-tokens.js';
import { createUser, requireUser } from '../../src/auth/users.js';
import { loadPolicy } from '../../src/governance/policy.js';
import { flushSecurityEvents, looksSuspicious } from '../../src/governance/security-events.js';
import { ANONYMOUS, errorOf, startApiTest, type ApiTest } from './api-test-app.js';

const { policy } = loadPolicy(null);

test('suspicious request targets are recognised; ordinary ones are not', () => {
  assert.ok(looksSuspicious('/api/v1/imports/..%2f..%2fetc%2fpasswd'));
  assert.ok(looksSuspicious("/api/v1/results?subject=' OR '1'='1"));
  assert.ok(looksSuspicious('/api/v1/results?subject=%3Cscript%3Ealert(1)'));
  assert.ok(looksSuspicious('/x?%00'));
  assert.equal(looksSuspicious('/api/v1/analytics/profitability?client=O%27Brien%20Plumbing&from=2025-01-01'), null);
});

describe('security events', () => {
  let api: ApiTest;
  let viewer = '';
  before(async () => {
    api = await startApiTest('sqlite');
    await api.app.ready();
    const db = api.t.database.kysely;
    await createUser(db, policy, { username: 'vera', role: 'viewer', password: 'long enough password 1', createdBy: 'test' });
    viewer = (await createApiToken(db, policy, await requireUser(db, 'vera'), { name: 't', actor: 'test' })).token;
  });
  after(async () => {
    await api.close();
  });

  test('refused logins, forbidden calls, bad tokens and probing are recorded and counted for Prometheus', async () => {
    const before = await api.app.inject({ method: 'GET', url: '/metrics' });
    const count = (text: string, kind: string) => Number(new RegExp(`moatmetrics_security_events_total\\{kind="${kind}"\\} (\\d+)`).exec(text)![1]);
    assert.equal(before.statusCode, 200);
    assert.match(String(before.headers['content-type']), /^text\/plain; version=0\.0\.4/);

    await api.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'vera', password: 'wrong one' } });
    assert.equal(
      errorOf(await api.app.inject({ method: 'POST', url: '/api/v1/versions/0/rollback', headers: { authorization: `Bearer ${viewer}` } })).code,
      'MM_FORBIDDEN',
    );
    assert.equal(
      errorOf(
        await api.app.inject({
          method: 'GET',
          url: '/api/v1/versions',
          headers: { authorization: 'Bearer mmt_000000000000_forgedforgedforgedforgedforgedforgedforgedfor' },
        }),
      ).code,
      'MM_AUTH_INVALID',
    );
    await api.app.inject({ method: 'GET', url: "/api/v1/results?subject=' OR '1'='1" });

    await flushSecurityEvents(api.t.database.kysely);
    const rows = await api.t.database.kysely.selectFrom('security_events').select(['kind', 'actor', 'method', 'route']).orderBy('kind').execute();
    assert.deepEqual(
      rows.map((r) => [r.kind, r.actor, r.method]),
      [
        ['auth_invalid', null, 'GET'],
        ['forbidden', 'vera', 'POST'],
        ['login_refused', 'vera', 'POST'],
        ['suspicious_input', null, 'GET'],
      ],
    );
    const afterText = (await api.app.inject({ method: 'GET', url: '/metrics' })).body;
    for (const kind of ['login_refused', 'forbidden', 'auth_invalid', 'suspicious_input'])
      assert.equal(count(afterText, kind), count(before.body, kind) + 1, kind);
    assert.equal(errorOf(await api.app.inject({ method: 'GET', url: '/metrics', headers: ANONYMOUS })).code, 'MM_AUTH_REQUIRED');
  });

  test('errors never carry stacks, SQL or paths', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/api/v1/results/%27%3B%20DROP%20TABLE%20clients%3B--' });
    assert.equal(response.statusCode, 404);
    assert.doesNotMatch(response.body, /at \S+:\d+|SELECT|sqlite|\/work\//i);
  });
});
