import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildApp } from '../../src/api/app.js';
import { loadPolicy, policySchema } from '../../src/governance/policy.js';
import { createTestContext, engines, type EngineName, type TestContext } from '../support/test-database.js';
import { errorOf } from './api-test-app.js';
import { flushSecurityEvents } from '../../src/governance/security-events.js';

/** A policy allowing 10 requests a minute from one address, so limits show after a few requests. */
const shipped = loadPolicy(null).policy;
const policy = policySchema.parse({ ...shipped, rate_limits: { ...shipped.rate_limits, api_per_minute: 10 } });

type App = Awaited<ReturnType<typeof buildApp>>;

async function withApp(engine: EngineName, overrides: Record<string, unknown>, body: (app: App, t: TestContext) => Promise<void>) {
  const t = await createTestContext(engine, overrides);
  const app = await buildApp({ config: t.config, database: t.database, policy });
  try {
    await body(app, t);
  } finally {
    await app.close();
    await t.cleanup();
  }
}

const tally = (codes: number[]) => codes.reduce<Record<number, number>>((counts, code) => ({ ...counts, [code]: (counts[code] ?? 0) + 1 }), {});

describe('rate limits', () => {
  test('/healthz and /readyz are never rate-limited; every other request is, refused by authentication or not', async () => {
    await withApp('sqlite', {}, async (app) => {
      for (const url of ['/healthz', '/readyz']) {
        const codes = [];
        for (let i = 0; i < 25; i++) codes.push((await app.inject({ method: 'GET', url })).statusCode);
        assert.deepEqual(tally(codes), { 200: 25 }, url);
      }
      const codes = [];
      for (let i = 0; i < 12; i++) codes.push((await app.inject({ method: 'GET', url: '/api/v1/versions' })).statusCode);
      assert.deepEqual(tally(codes), { 401: 10, 429: 2 }, 'anonymous callers count too (they used to skip the limit)');
      assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'the probe still answers');
    });
  });

  for (const engine of engines) {
    test(`server.trust_proxy: limits and security events key on the client behind the proxy, off by default (${engine})`, async () => {
      const forwarded = (i: number) => ({
        method: 'GET' as const,
        url: '/api/v1/versions',
        remoteAddress: '127.0.0.1',
        headers: { 'x-forwarded-for': `203.0.113.${i}` },
      });
      await withApp(engine, {}, async (app, t) => {
        const codes = [];
        for (let i = 1; i <= 12; i++) codes.push((await app.inject(forwarded(i))).statusCode);
        assert.deepEqual(tally(codes), { 401: 10, 429: 2 }, 'without trust_proxy X-Forwarded-For is ignored: one address');
        await flushSecurityEvents(t.database.kysely);
        const ips = (await t.database.kysely.selectFrom('security_events').select('ip').distinct().execute()).map((r) => r.ip);
        assert.deepEqual(ips, ['127.0.0.1']);
      });
      for (const setting of [true, ['127.0.0.1'], ['127.0.0.0/8'], 1]) {
        await withApp(engine, { 'server.trust_proxy': setting }, async (app, t) => {
          const codes = [];
          for (let i = 1; i <= 12; i++) codes.push((await app.inject(forwarded(i))).statusCode);
          assert.deepEqual(tally(codes), { 401: 12 }, `trust_proxy ${JSON.stringify(setting)}: each client has its own limit`);
          for (let i = 0; i < 10; i++) await app.inject(forwarded(99));
          assert.equal(errorOf(await app.inject(forwarded(99))).code, 'MM_RATE_LIMITED', 'one client behind the proxy is still limited');
          await flushSecurityEvents(t.database.kysely);
          const rows = await t.database.kysely.selectFrom('security_events').select('ip').where('kind', '=', 'auth_missing').execute();
          assert.ok(rows.some((r) => r.ip === '203.0.113.1') && !rows.some((r) => r.ip === '127.0.0.1'), JSON.stringify(rows.slice(0, 3)));
        });
      }
      await withApp(engine, { 'server.trust_proxy': ['10.9.9.9'] }, async (app) => {
        const codes = [];
        for (let i = 1; i <= 12; i++) codes.push((await app.inject(forwarded(i))).statusCode);
        assert.deepEqual(tally(codes), { 401: 10, 429: 2 }, 'a connection from an address not listed is not believed');
      });
    });
  }
});
