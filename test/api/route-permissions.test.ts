import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiToken, revokeApiToken } from '../../src/auth/api-tokens.js';
import { createUser, requireUser } from '../../src/auth/users.js';
import { loadPolicy, permissionsOf, roles, type Permission } from '../../src/governance/policy.js';
import { engines } from '../support/test-database.js';
import { ANONYMOUS, errorOf, startApiTest, type ApiTest } from './api-test-app.js';

/**
 * Walks the whole route table × every role of the shipped policy, plus anonymous callers, a
 * revoked token, an expired token, a disabled user's token and a user who must still change
 * the password someone else set, and checks each answer is what the policy says: 401 without
 * valid credentials, 403 without the permission, and past authentication otherwise. A new
 * route is covered the moment it is registered (and cannot be registered without a
 * permission: see app.test.ts).
 */
const { policy } = loadPolicy(null);
const exampleParams: Record<string, string> = { dataset: 'clients', id: 'no-such-id', number: '999', username: 'nobody', kind: 'profitability' };

function concreteUrl(url: string): string {
  return url.replace(/:([A-Za-z]+)/g, (_, name: string) => exampleParams[name] ?? 'x').replace(/\*$/, 'index.html');
}

for (const engine of engines) {
  describe(`route × role permissions on ${engine}`, () => {
    let api: ApiTest;
    const tokens = new Map<string, string>();
    before(async () => {
      api = await startApiTest(engine);
      await api.app.ready();
      const db = api.t.database.kysely;
      const tokenFor = async (username: string, role: string): Promise<string> => {
        await createUser(db, policy, { username, role, password: `pw-${role}-long-enough`, createdBy: 'test' });
        return (await createApiToken(db, policy, await requireUser(db, username), { name: 'walk', actor: 'test' })).token;
      };
      for (const role of roles) tokens.set(role, await tokenFor(`user-${role}`, role));
      const revoked = await tokenFor('revoked-holder', 'admin');
      await revokeApiToken(db, revoked.split('_')[1]!, null, 'test');
      tokens.set('revoked token', revoked);
      const expired = await tokenFor('expired-holder', 'admin');
      await db.updateTable('api_tokens').set({ expires_at: '2020-01-01T00:00:00.000Z' }).where('id', '=', expired.split('_')[1]!).execute();
      tokens.set('expired token', expired);
      const disabled = await tokenFor('disabled-holder', 'admin');
      await db.updateTable('users').set({ disabled: 1 }).where('username', '=', 'disabled-holder').execute();
      tokens.set('disabled user', disabled);
      tokens.set('temporary password', await tokenFor('fresh-user', 'admin'));
      await db.updateTable('users').set({ must_change_password: 1 }).where('username', '=', 'fresh-user').execute();
    });
    after(async () => {
      await api.close();
    });

    test('every route answers every caller as the policy says', async () => {
      const routes = api.app.routePermissions.filter((r) => r.method !== 'HEAD' && !r.url.startsWith('/docs/static'));
      assert.ok(routes.length >= 25, `the walk covers the route table (${routes.length} routes)`);
      const temporaryOk = new Set(['POST /api/v1/auth/logout', 'GET /api/v1/auth/me', 'POST /api/v1/auth/password']);
      let checked = 0;
      for (const route of routes) {
        const url = concreteUrl(route.url);
        const send = (headers: Record<string, string>) =>
          api.app.inject({
            method: route.method as 'GET',
            url,
            headers: { ...headers, 'content-type': 'application/json' },
            payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : '{}',
          });
        const label = `${route.method} ${route.url} (${String(route.permission)})`;

        const anonymous = await send({ ...ANONYMOUS });
        if (route.permission === 'public') {
          assert.ok(![401, 403].includes(anonymous.statusCode), `${label}: public, got ${anonymous.statusCode}`);
          checked += 1;
          continue;
        }
        assert.equal(anonymous.statusCode, 401, `${label} anonymous`);
        assert.equal(errorOf(anonymous).code, 'MM_AUTH_REQUIRED', label);
        for (const who of ['revoked token', 'expired token', 'disabled user']) {
          const response = await send({ authorization: `Bearer ${tokens.get(who)}` });
          assert.equal(response.statusCode, 401, `${label} ${who}`);
          assert.equal(errorOf(response).code, 'MM_AUTH_INVALID', `${label} ${who}`);
        }
        const temporary = await send({ authorization: `Bearer ${tokens.get('temporary password')}` });
        if (temporaryOk.has(`${route.method} ${route.url}`))
          assert.ok(
            ![401, 403].includes(temporary.statusCode) || (errorOf(temporary).code === 'MM_FORBIDDEN' && route.url.endsWith('/password')),
            `${label} temporary password`,
          );
        else assert.equal(errorOf(temporary).code, 'MM_PASSWORD_CHANGE_REQUIRED', `${label} temporary password`);

        for (const role of roles) {
          const response = await send({ authorization: `Bearer ${tokens.get(role)}` });
          const allowed = route.permission === 'authenticated' || permissionsOf(policy, role).has(route.permission as Permission);
          if (allowed) {
            assert.notEqual(response.statusCode, 401, `${label} as ${role}: ${response.body}`);
            assert.ok(
              response.statusCode !== 403 || errorOf(response).code !== 'MM_FORBIDDEN' || route.url.endsWith('/password'),
              `${label} as ${role} must be allowed: ${response.body}`,
            );
          } else {
            assert.equal(response.statusCode, 403, `${label} as ${role} must be refused: ${response.body}`);
            const error = errorOf(response);
            assert.equal(error.code, 'MM_FORBIDDEN', label);
            assert.match(error.message, new RegExp(`role '${role}' does not have the permission '${String(route.permission)}'`));
          }
        }
        checked += 1;
      }
      assert.equal(checked, routes.length);
    });

    test('the shipped policy gives each role what the issue lists', () => {
      assert.deepEqual([...permissionsOf(policy, 'viewer')], ['data:read']);
      assert.ok(permissionsOf(policy, 'analyst').has('data:import'));
      assert.ok(!permissionsOf(policy, 'analyst').has('users:manage'));
      assert.ok(permissionsOf(policy, 'reviewer').has('results:review'));
      assert.ok(!permissionsOf(policy, 'auditor').has('data:import'));
      assert.equal(permissionsOf(policy, 'admin').size, 11);
    });
  });
}
