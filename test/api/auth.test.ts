import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { createUser, ensureFirstAdmin, requireUser } from '../../src/auth/users.js';
import { loadPolicy, policySchema } from '../../src/governance/policy.js';
import { flushSecurityEvents } from '../../src/governance/security-events.js';
import { createTestContext, engines, type TestContext } from '../support/test-database.js';
import { clientsCsv, csvUpload, errorOf, formUpload } from './api-test-app.js';

/**
 * Logging in as a person would: the first-run admin and its one-time password, creating an
 * analyst and a viewer who each get exactly their permissions, sessions that end, tokens
 * that stop working when revoked, lock-out after repeated failures, and the security headers.
 */
const shipped = loadPolicy(null).policy;
// A higher login rate limit here: this file logs in many times from one address on purpose.
const policy = policySchema.parse({ ...shipped, rate_limits: { ...shipped.rate_limits, login_per_minute: 1000 } });

function cookieOf(response: LightMyRequestResponse): string {
  const header = [response.headers['set-cookie']].flat()[0];
  assert.ok(header, 'a session cookie is set');
  return String(header).split(';')[0]!;
}

for (const engine of engines) {
  describe(`logging in and permissions over HTTP on ${engine}`, () => {
    let t: TestContext;
    let app: Awaited<ReturnType<typeof buildApp>>;
    let adminPassword = '';
    before(async () => {
      t = await createTestContext(engine, { 'server.cors_origins': ['https://reports.example.com'] });
      app = await buildApp({ config: t.config, database: t.database, policy });
      await app.ready();
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });
    const login = (username: string, password: string) => app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
    const as = (cookie: string) => ({ cookie });
    const post = (url: string, headers: Record<string, string>, payload?: object) =>
      app.inject({ method: 'POST', url, headers, ...(payload ? { payload } : {}) });
    const get = (url: string, headers: Record<string, string>) => app.inject({ method: 'GET', url, headers });
    const changePassword = (cookie: string, currentPassword: string, newPassword: string) =>
      post('/api/v1/auth/password', as(cookie), { currentPassword, newPassword });

    test('first start creates admin with a one-time password that must be changed before anything else', async () => {
      const first = await ensureFirstAdmin(t.database.kysely, policy, {});
      assert.equal(first.created, true);
      assert.match(first.oneTimePassword!, /^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);
      assert.deepEqual(await ensureFirstAdmin(t.database.kysely, policy, {}), { created: false, oneTimePassword: null }, 'only once');

      const response = await login('admin', first.oneTimePassword!);
      assert.equal(response.statusCode, 200, response.body);
      const setCookie = String([response.headers['set-cookie']].flat()[0]);
      assert.match(setCookie, /^mm_session=[A-Za-z0-9_-]{43};/);
      assert.match(setCookie, /HttpOnly/);
      assert.match(setCookie, /SameSite=Strict/);
      assert.match(setCookie, /Path=\//);
      const cookie = cookieOf(response);
      assert.equal(response.json().user.mustChangePassword, true);

      const blocked = await app.inject({ method: 'GET', url: '/api/v1/versions', headers: as(cookie) });
      assert.equal(blocked.statusCode, 403);
      assert.equal(errorOf(blocked).code, 'MM_PASSWORD_CHANGE_REQUIRED');
      const weak = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: as(cookie),
        payload: { currentPassword: first.oneTimePassword, newPassword: 'short' },
      });
      assert.equal(errorOf(weak).code, 'MM_PASSWORD_WEAK');
      const wrong = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: as(cookie),
        payload: { currentPassword: 'not-it-at-all', newPassword: 'a much better secret' },
      });
      assert.equal(errorOf(wrong).code, 'MM_FORBIDDEN');
      adminPassword = 'a much better secret';
      const changed = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: as(cookie),
        payload: { currentPassword: first.oneTimePassword, newPassword: adminPassword },
      });
      assert.equal(changed.statusCode, 204, changed.body);
      const allowed = await app.inject({ method: 'GET', url: '/api/v1/versions', headers: as(cookie) });
      assert.equal(allowed.statusCode, 200, 'the same session goes on after the change');
      assert.equal(errorOf(await login('admin', first.oneTimePassword!)).code, 'MM_LOGIN_FAILED', 'the one-time password is gone');
    });

    test('an admin creates an analyst and a viewer; each gets exactly their permissions', async () => {
      const admin = cookieOf(await login('admin', adminPassword));
      const people: Record<string, string> = {};
      for (const [username, role] of [
        ['sam', 'analyst'],
        ['kim', 'viewer'],
      ] as const) {
        const created = await app.inject({ method: 'POST', url: '/api/v1/users', headers: as(admin), payload: { username, role } });
        assert.equal(created.statusCode, 201, created.body);
        const oneTime = created.json().oneTimePassword as string;
        const first = cookieOf(await login(username, oneTime));
        const newPassword = `${role} password that is long`;
        assert.equal(
          (await app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: as(first), payload: { currentPassword: oneTime, newPassword } }))
            .statusCode,
          204,
        );
        people[username] = cookieOf(await login(username, newPassword));
      }
      const duplicate = await app.inject({ method: 'POST', url: '/api/v1/users', headers: as(admin), payload: { username: 'SAM', role: 'viewer' } });
      assert.equal(errorOf(duplicate).code, 'MM_USER_EXISTS');

      const me = (await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: as(people.kim!) })).json();
      assert.deepEqual(me.permissions, ['data:read']);
      assert.equal(me.user.role, 'viewer');

      const analystImport = await app.inject({
        ...csvUpload('/api/v1/imports/clients', clientsCsv),
        headers: { 'content-type': 'text/csv', ...as(people.sam!) },
      });
      assert.equal(analystImport.statusCode, 201, analystImport.body);
      assert.equal(analystImport.json().createdBy, 'sam', 'the import is recorded under the analyst');
      const viewerImport = await app.inject({
        ...csvUpload('/api/v1/imports/clients', clientsCsv),
        headers: { 'content-type': 'text/csv', ...as(people.kim!) },
      });
      assert.equal(viewerImport.statusCode, 403);
      assert.equal(errorOf(viewerImport).message, "role 'viewer' does not have the permission 'data:import' that POST /api/v1/imports/:dataset needs");
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/versions', headers: as(people.kim!) })).statusCode, 200);
      const viewerRollback = await app.inject({ method: 'POST', url: '/api/v1/versions/0/rollback', headers: as(people.kim!) });
      assert.equal(errorOf(viewerRollback).code, 'MM_FORBIDDEN');
      const analystUsers = await app.inject({ method: 'GET', url: '/api/v1/users', headers: as(people.sam!) });
      assert.equal(errorOf(analystUsers).code, 'MM_FORBIDDEN');

      // Demotion applies at once, to the running session.
      const demoted = await app.inject({ method: 'PATCH', url: '/api/v1/users/sam', headers: as(admin), payload: { role: 'viewer' } });
      assert.equal(demoted.json().role, 'viewer');
      const again = await app.inject({ ...csvUpload('/api/v1/imports/clients', clientsCsv), headers: { 'content-type': 'text/csv', ...as(people.sam!) } });
      assert.equal(errorOf(again).code, 'MM_FORBIDDEN');
    });

    test('trivially weak passwords are refused with the reason, for new users and password changes', async () => {
      const admin = cookieOf(await login('admin', adminPassword));
      const created = await post('/api/v1/users', as(admin), { username: 'weakling', role: 'viewer', password: 'aaaaaaaaaaaa' });
      assert.equal(created.statusCode, 400, created.body);
      const message = "the password is too easy to guess: it repeats 'a'; choose several unrelated words instead";
      assert.deepEqual(errorOf(created), { code: 'MM_PASSWORD_WEAK', message });
      const weak = [
        ['123456789012', /sequence/],
        ['abcdefghijkl', /sequence/],
        [' '.repeat(12), /only whitespace/],
        ['Password2025!', /common password/],
      ] as const;
      for (const [newPassword, why] of weak) {
        const changed = await changePassword(admin, adminPassword, newPassword);
        assert.equal(changed.statusCode, 400, `${JSON.stringify(newPassword)}: ${changed.body}`);
        assert.equal(errorOf(changed).code, 'MM_PASSWORD_WEAK');
        assert.match(errorOf(changed).message, why);
      }
      assert.equal((await login('admin', adminPassword)).statusCode, 200, 'the password did not change');
    });

    test('logout ends the session; an idle session times out', async () => {
      const cookie = cookieOf(await login('admin', adminPassword));
      assert.equal((await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: as(cookie) })).statusCode, 204);
      const after = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: as(cookie) });
      assert.equal(after.statusCode, 401);
      assert.equal(errorOf(after).code, 'MM_AUTH_INVALID');

      const idle = cookieOf(await login('admin', adminPassword));
      const longAgo = new Date(Date.now() - (policy.sessions.idle_minutes + 1) * 60_000).toISOString();
      await t.database.kysely.updateTable('sessions').set({ last_seen_at: longAgo }).execute();
      assert.equal(errorOf(await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: as(idle) })).code, 'MM_AUTH_INVALID');
      assert.equal(errorOf(await app.inject({ method: 'GET', url: '/api/v1/auth/me' })).code, 'MM_AUTH_REQUIRED');
    });

    test('API tokens: shown once, work as bearer, stop at revocation and when their user is disabled', async () => {
      const admin = cookieOf(await login('admin', adminPassword));
      const created = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: as(admin), payload: { name: 'nightly export', days: 30 } });
      assert.equal(created.statusCode, 201, created.body);
      const { token, details } = created.json() as { token: string; details: { id: string; expiresAt: string } };
      assert.match(token, /^mmt_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
      const stored = await t.database.kysely.selectFrom('api_tokens').selectAll().where('id', '=', details.id).executeTakeFirstOrThrow();
      assert.ok(!JSON.stringify(stored).includes(token.split('_').slice(2).join('_')), 'the secret is not stored');
      const bearer = { authorization: `Bearer ${token}` };
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/versions', headers: bearer })).statusCode, 200);
      const list = await app.inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer });
      assert.ok(!list.body.includes(token.split('_').slice(2).join('_')), 'listing never shows a secret');
      assert.equal(
        errorOf(await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: as(admin), payload: { name: 'too long', days: 10_000 } })).code,
        'MM_VALIDATION',
      );

      assert.equal((await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${details.id}`, headers: as(admin) })).json().revokedAt !== null, true);
      assert.equal(errorOf(await app.inject({ method: 'GET', url: '/api/v1/versions', headers: bearer })).code, 'MM_AUTH_INVALID');
      assert.equal(
        errorOf(await app.inject({ method: 'GET', url: '/api/v1/versions', headers: { authorization: 'Bearer nonsense' } })).code,
        'MM_AUTH_INVALID',
      );

      const kimToken = (
        await app.inject({
          method: 'POST',
          url: '/api/v1/tokens',
          headers: as(cookieOf(await login('kim', 'viewer password that is long'))),
          payload: { name: 'kim' },
        })
      ).json().token as string;
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/versions', headers: { authorization: `Bearer ${kimToken}` } })).statusCode, 200);
      assert.equal((await app.inject({ method: 'PATCH', url: '/api/v1/users/kim', headers: as(admin), payload: { disabled: true } })).statusCode, 200);
      assert.equal(
        errorOf(await app.inject({ method: 'GET', url: '/api/v1/versions', headers: { authorization: `Bearer ${kimToken}` } })).code,
        'MM_AUTH_INVALID',
      );
      assert.equal(errorOf(await login('kim', 'viewer password that is long')).code, 'MM_LOGIN_FAILED', 'a disabled user cannot log in');
      const lastAdmin = await app.inject({ method: 'PATCH', url: '/api/v1/users/admin', headers: as(admin), payload: { disabled: true } });
      assert.match(errorOf(lastAdmin).message, /last active admin/);
    });

    test("a password reset or change revokes the user's API tokens; a token cannot create tokens", async () => {
      const admin = cookieOf(await login('admin', adminPassword));
      const oneTime = (await post('/api/v1/users', as(admin), { username: 'tara', role: 'viewer' })).json().oneTimePassword as string;
      const first = cookieOf(await login('tara', oneTime));
      const chosen = 'she keeps a long passphrase';
      assert.equal((await changePassword(first, oneTime, chosen)).statusCode, 204);
      const session = cookieOf(await login('tara', chosen));
      const token = (await post('/api/v1/tokens', as(session), { name: 'report script' })).json().token as string;
      const bearer = { authorization: `Bearer ${token}` };
      assert.equal((await get('/api/v1/versions', bearer)).statusCode, 200);

      const minted = await post('/api/v1/tokens', bearer, { name: 'child', days: 1 });
      assert.equal(minted.statusCode, 403, minted.body);
      assert.equal(errorOf(minted).code, 'MM_SESSION_REQUIRED');
      assert.equal((await t.database.kysely.selectFrom('api_tokens').select('id').where('name', '=', 'child').execute()).length, 0);

      const reset = await post('/api/v1/users/tara/password-reset', as(admin));
      assert.equal(reset.statusCode, 200, reset.body);
      assert.equal(errorOf(await get('/api/v1/versions', bearer)).code, 'MM_AUTH_INVALID', 'the reset revoked the token');
      const resetTo = reset.json().oneTimePassword as string;
      const renewed = 'she chose another passphrase';
      assert.equal((await changePassword(cookieOf(await login('tara', resetTo)), resetTo, renewed)).statusCode, 204);
      assert.equal(errorOf(await get('/api/v1/versions', bearer)).code, 'MM_AUTH_INVALID', 'still revoked after the new password');

      // The user's own change revokes tokens too (the old password may be what leaked); the session that changed it goes on.
      const again = cookieOf(await login('tara', renewed));
      const second = (await post('/api/v1/tokens', as(again), { name: 'second' })).json().token as string;
      assert.equal((await changePassword(again, renewed, 'she settles on this one')).statusCode, 204);
      assert.equal(errorOf(await get('/api/v1/versions', { authorization: `Bearer ${second}` })).code, 'MM_AUTH_INVALID');
      assert.equal((await get('/api/v1/versions', as(again))).statusCode, 200);
      const events = await t.database.kysely
        .selectFrom('audit_events')
        .select(['action', 'details_json'])
        .where('target', '=', 'tara')
        .where('action', 'in', ['user.password_reset', 'auth.password_change'])
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        events.map((e) => [e.action, JSON.parse(e.details_json).tokensRevoked]),
        [
          ['auth.password_change', 0],
          ['user.password_reset', 1],
          ['auth.password_change', 0],
          ['auth.password_change', 1],
        ],
      );
    });

    const loginFrom = (remoteAddress: string, username: string, password: string) =>
      app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress, payload: { username, password } });
    /** Status and body, with the seconds of a back-off message set aside (they may tick between two answers). */
    const answer = (response: LightMyRequestResponse) => [response.statusCode, response.body.replace(/\d+ s\b/, 'N s').replace(/"retryAfterSeconds":\d+/, '')];
    const newUser = (username: string, password: string) => createUser(t.database.kysely, policy, { username, role: 'viewer', password, createdBy: 'test' });

    test('20 parallel wrong passwords from 20 addresses all count: the account locks and the right password is refused', async () => {
      await newUser('racer', 'racing green lantern');
      const attempts = await Promise.all(Array.from({ length: 20 }, (_, i) => loginFrom(`10.20.0.${i + 1}`, 'racer', `wrong guess ${i}`)));
      assert.deepEqual(
        attempts.map((r) => errorOf(r).code),
        Array(20).fill('MM_LOGIN_FAILED'),
      );
      const user = await requireUser(t.database.kysely, 'racer');
      const locked = user.locked_until !== null && user.locked_until > new Date().toISOString();
      assert.ok(locked, `locked: ${user.locked_until} after ${user.failed_logins} failures`);

      const right = await loginFrom('10.20.1.1', 'racer', 'racing green lantern');
      assert.equal(right.statusCode, 401, right.body);
      const unknown = await loginFrom('10.20.1.2', 'no-such-racer', 'racing green lantern');
      assert.deepEqual(answer(right), answer(unknown), 'a lock looks like a wrong password');
      const last = await t.database.kysely
        .selectFrom('audit_events')
        .select(['outcome', 'details_json'])
        .where('actor', '=', 'racer')
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      assert.equal(last.outcome, 'denied');
      assert.equal(JSON.parse(last.details_json).reason, 'MM_ACCOUNT_LOCKED', 'the audit trail keeps the real reason');
    });

    test('one address backs off per user name without locking the account; unknown and locked names answer identically', async () => {
      const password = 'an orange kayak drifts';
      await newUser('pat', password);
      const attacker = '10.30.0.1';
      for (let i = 0; i < policy.login.max_failures; i++) {
        const known = await loginFrom(attacker, 'pat', `wrong guess ${i}`);
        assert.equal(errorOf(known).code, 'MM_LOGIN_FAILED');
        const unknown = await loginFrom(attacker, 'ghost', `wrong guess ${i}`);
        assert.deepEqual(answer(known), answer(unknown), `failure ${i + 1}: no hint whether the name exists`);
      }
      const throttled = await loginFrom(attacker, 'pat', password);
      assert.equal(throttled.statusCode, 429, throttled.body);
      assert.equal(errorOf(throttled).code, 'MM_LOGIN_THROTTLED');
      assert.match(errorOf(throttled).message, /^too many failed logins for this user name from your address; try again in (59|60) s$/);
      assert.deepEqual(answer(throttled), answer(await loginFrom(attacker, 'ghost', password)), 'unknown names back off the same way');
      assert.equal((await loginFrom('10.30.0.2', 'pat', password)).statusCode, 200, 'one address cannot lock pat out');
      assert.equal((await requireUser(t.database.kysely, 'pat')).locked_until, null);

      // Failures from several addresses lock the account.
      for (const [address, count] of [
        ['10.30.1.1', 2],
        ['10.30.1.2', 2],
        ['10.30.1.3', 1],
      ] as const) {
        for (let i = 0; i < count; i++) await loginFrom(address, 'pat', `spread guess ${i}`);
      }
      assert.ok((await requireUser(t.database.kysely, 'pat')).locked_until !== null, 'five failures from three addresses lock it');
      const samples: Record<'locked' | 'unknown', number[]> = { locked: [], unknown: [] };
      const loginFailed = JSON.stringify({ error: { code: 'MM_LOGIN_FAILED', message: 'user name or password is wrong' } });
      for (let i = 0; i < 7; i++) {
        for (const [kind, name] of [
          ['locked', 'pat'],
          ['unknown', 'ghost-2'],
        ] as const) {
          const started = performance.now();
          const response = await loginFrom(`10.30.2.${i * 2 + (kind === 'locked' ? 1 : 2)}`, name, password);
          samples[kind].push(performance.now() - started);
          assert.deepEqual(answer(response), [401, loginFailed]);
        }
      }
      const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
      // Both verify an argon2 hash (the decoy for either); without it a locked account answered several times faster.
      const [locked, unknown] = [median(samples.locked), median(samples.unknown)];
      assert.ok(locked > 0.5 * unknown, `locked ${locked.toFixed(1)} ms, unknown ${unknown.toFixed(1)} ms`);

      const past = new Date(Date.now() - 1000).toISOString();
      await t.database.kysely.updateTable('users').set({ locked_until: past }).where('username', '=', 'pat').execute();
      assert.equal((await loginFrom('10.30.3.1', 'pat', password)).statusCode, 200, 'the lock ends');
    });

    test('a state-changing request with the session cookie from another origin is refused, not own pages or tokens', async () => {
      const cookie = cookieOf(await login('admin', adminPassword));
      const dryRun = '/api/v1/imports/clients?dry_run=true';
      const withCookie = (headers: Record<string, string>, multipart = false): InjectOptions => {
        const upload = multipart ? formUpload(dryRun, clientsCsv, 'clients.csv') : csvUpload(dryRun, clientsCsv);
        const own = upload.headers as Record<string, string> | undefined;
        return { ...upload, headers: { ...own, host: 'mm.example.com:8080', cookie, ...headers } };
      };
      for (const [headers, multipart] of [
        // Another port on the same host: the same site, so SameSite=Strict still sends the cookie.
        [{ origin: 'http://mm.example.com:9999' }, true],
        [{ origin: 'http://evil.example.com:8080' }, false],
        [{ origin: 'null' }, false],
        [{ 'sec-fetch-site': 'same-site' }, true],
        [{ 'sec-fetch-site': 'cross-site' }, false],
      ] as const) {
        const refused = await app.inject(withCookie(headers, multipart));
        assert.equal(refused.statusCode, 403, `${JSON.stringify(headers)}: ${refused.body}`);
        assert.equal(errorOf(refused).code, 'MM_CROSS_ORIGIN');
      }
      const sameSite: Array<Record<string, string>> = [
        { origin: 'http://mm.example.com:8080' },
        { origin: 'https://reports.example.com' },
        { 'sec-fetch-site': 'same-origin' },
        {},
      ];
      for (const headers of sameSite) {
        const allowed = await app.inject(withCookie(headers, true));
        assert.equal(allowed.statusCode, 200, `${JSON.stringify(headers)}: ${allowed.body}`);
      }
      const reading = await get('/api/v1/versions', { cookie, origin: 'http://evil.example.com' });
      assert.equal(reading.statusCode, 200, 'reading is left to CORS: another origin cannot read the answer');
      const token = (await post('/api/v1/tokens', as(cookie), { name: 'csrf check' })).json().token as string;
      const evil = 'http://evil.example.com';
      const headers = { 'content-type': 'text/csv', authorization: `Bearer ${token}`, origin: evil };
      const bearer = await app.inject({ ...csvUpload(dryRun, clientsCsv), headers });
      assert.equal(bearer.statusCode, 200, 'a browser never sends a bearer token by itself');
      assert.equal(errorOf(await post('/api/v1/auth/logout', { cookie, origin: evil })).code, 'MM_CROSS_ORIGIN');
      assert.equal((await get('/api/v1/auth/me', as(cookie))).statusCode, 200, 'the forged logout did not end the session');
      await flushSecurityEvents(t.database.kysely);
      const events = await t.database.kysely
        .selectFrom('security_events')
        .select(['kind', 'actor', 'detail'])
        .where('detail', 'like', 'MM_CROSS_ORIGIN%')
        .execute();
      assert.equal(events.length, 6);
      assert.ok(
        events.every((e) => e.kind === 'forbidden' && e.actor === 'admin'),
        JSON.stringify(events[0]),
      );
    });

    test('security headers on every answer; CORS only for configured origins', async () => {
      const response = await app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://evil.example.com' } });
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      assert.equal(response.headers['x-frame-options'], 'SAMEORIGIN');
      assert.ok(response.headers['content-security-policy']);
      // Plain HTTP on this machine (secure_cookies off): no upgrade to an https:// that is not there, here or on the docs page.
      assert.doesNotMatch(String(response.headers['content-security-policy']), /upgrade-insecure-requests/);
      const docs = await app.inject({ method: 'GET', url: '/docs/' });
      assert.equal(docs.statusCode, 200);
      assert.doesNotMatch(String(docs.headers['content-security-policy']), /upgrade-insecure-requests/);
      assert.match(String(docs.headers['content-security-policy']), /script-src 'self'/);
      assert.equal(response.headers['access-control-allow-origin'], undefined);
      const allowed = await app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://reports.example.com' } });
      assert.equal(allowed.headers['access-control-allow-origin'], 'https://reports.example.com');
    });
  });
}

describe('login rate limit', () => {
  test('more login attempts a minute than the policy allows are refused with 429', async () => {
    const t = await createTestContext('sqlite');
    const strict = policySchema.parse({ ...shipped, rate_limits: { ...shipped.rate_limits, login_per_minute: 3 } });
    const app = await buildApp({ config: t.config, database: t.database, policy: strict });
    try {
      const codes: string[] = [];
      for (let i = 0; i < 4; i++)
        codes.push(errorOf(await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'x', password: 'y' } })).code);
      assert.deepEqual(codes, ['MM_LOGIN_FAILED', 'MM_LOGIN_FAILED', 'MM_LOGIN_FAILED', 'MM_RATE_LIMITED']);
    } finally {
      await app.close();
      await t.cleanup();
    }
  });
});
