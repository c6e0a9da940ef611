import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load-config.js';

describe('configuration', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mm-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const withFile = (yaml: string): string => {
    const sub = mkdtempSync(path.join(dir, 'c-'));
    mkdirSync(path.join(sub, 'config'));
    writeFileSync(path.join(sub, 'config', 'config.yaml'), yaml);
    return sub;
  };

  test('defaults apply when there is no file', () => {
    const { config, file } = loadConfig({ env: {}, cwd: dir });
    assert.equal(file, null);
    assert.equal(config.data_dir, path.join(dir, 'data'));
    assert.equal(config.server.port, 8080);
    assert.equal(config.ingest.mode, 'strict');
    assert.equal(config.analytics.default_cost_rate, 45);
  });

  test('file < environment < flags', () => {
    const cwd = withFile('server:\n  port: 9000\n  host: 0.0.0.0\ningest:\n  mode: lenient\n');
    const fromFile = loadConfig({ env: {}, cwd }).config;
    assert.equal(fromFile.server.port, 9000);
    assert.equal(fromFile.ingest.mode, 'lenient');
    const fromEnv = loadConfig({ env: { MOATMETRICS_SERVER_PORT: '9100', MOATMETRICS_DATA_DIR: '/srv/mm' }, cwd }).config;
    assert.equal(fromEnv.server.port, 9100);
    assert.equal(fromEnv.server.host, '0.0.0.0');
    assert.equal(fromEnv.data_dir, '/srv/mm');
    const fromFlags = loadConfig({ env: { MOATMETRICS_SERVER_PORT: '9100' }, cwd, overrides: { 'server.port': 9200, data_dir: 'scratch' } }).config;
    assert.equal(fromFlags.server.port, 9200);
    assert.equal(fromFlags.data_dir, path.join(cwd, 'scratch'));
  });

  test('ingest.date_order: auto by default; set in the file, the environment, or refused when unknown', () => {
    assert.equal(loadConfig({ env: {}, cwd: dir }).config.ingest.date_order, 'auto');
    const cwd = withFile('ingest:\n  date_order: mdy\n');
    assert.equal(loadConfig({ env: {}, cwd }).config.ingest.date_order, 'mdy');
    assert.equal(loadConfig({ env: { MOATMETRICS_INGEST_DATE_ORDER: 'dmy' }, cwd }).config.ingest.date_order, 'dmy');
    assert.throws(
      () => loadConfig({ env: { MOATMETRICS_INGEST_DATE_ORDER: 'european' }, cwd: dir }),
      (error: Error) => /^MOATMETRICS_INGEST_DATE_ORDER: ingest\.date_order: /.test(error.message),
    );
  });

  test('the shipped config/config.yaml is valid and documents ingest.date_order', () => {
    const repo = path.resolve(import.meta.dirname, '../..');
    assert.equal(loadConfig({ env: {}, cwd: repo }).config.ingest.date_order, 'auto');
    assert.match(
      readFileSync(path.join(repo, 'config', 'config.yaml'), 'utf8'),
      /^ {2}# Day\/month order of dates like 03\/11\/2025[^]*^ {2}date_order: auto$/m,
    );
  });

  test('a misspelt key in the file is refused, naming the key and the file', () => {
    const cwd = withFile('server:\n  prot: 9000\n');
    assert.throws(() => loadConfig({ env: {}, cwd }), { code: 'MM_CONFIG_INVALID', message: 'config/config.yaml: server.prot: unknown setting' });
  });

  test('a wrong value names the key and where it came from', () => {
    const cwd = withFile('ingest:\n  mode: relaxed\n');
    assert.throws(
      () => loadConfig({ env: {}, cwd }),
      (error: Error) => /^config\/config\.yaml: ingest\.mode: /.test(error.message),
    );
    assert.throws(
      () => loadConfig({ env: { MOATMETRICS_SERVER_PORT: 'eighty' }, cwd: dir }),
      (error: Error) => /^MOATMETRICS_SERVER_PORT: server\.port: /.test(error.message),
    );
    assert.throws(
      () => loadConfig({ env: {}, cwd: dir, overrides: { 'server.port': 70000 } }),
      (error: Error) => /^--port: server\.port: /.test(error.message),
    );
    assert.throws(
      () => loadConfig({ env: {}, cwd: dir, overrides: { 'log.level': 'loud' } }),
      (error: Error) => /^--log-level: log\.level: /.test(error.message),
    );
    assert.throws(
      () => loadConfig({ env: { MOATMETRICS_DATABASE_URL: 'mysql://x' }, cwd: dir }),
      (error: Error) => /database\.url: must be empty/.test(error.message),
    );
  });

  test('an unknown MOATMETRICS_ variable is refused rather than ignored', () => {
    assert.throws(
      () => loadConfig({ env: { MOATMETRICS_SERVER_PROT: '1' }, cwd: dir }),
      (error: Error) => error.message.startsWith('MOATMETRICS_SERVER_PROT: not a configuration setting'),
    );
  });

  test('server.trust_proxy: off by default; false, true, a hop count or proxy addresses, from the file or the environment', () => {
    assert.equal(loadConfig({ env: {}, cwd: dir }).config.server.trust_proxy, false);
    const fromFile = withFile('server:\n  trust_proxy: [10.0.0.0/8, "::1", loopback, 192.0.2.10]\n');
    assert.deepEqual(loadConfig({ env: {}, cwd: fromFile }).config.server.trust_proxy, ['10.0.0.0/8', '::1', 'loopback', '192.0.2.10']);
    const env = (value: string) => loadConfig({ env: { MOATMETRICS_SERVER_TRUST_PROXY: value }, cwd: dir }).config.server.trust_proxy;
    assert.equal(env('true'), true);
    assert.equal(env('2'), 2);
    assert.deepEqual(env('10.1.2.3, 2001:db8::/32'), ['10.1.2.3', '2001:db8::/32']);
    assert.deepEqual(env('["127.0.0.1"]'), ['127.0.0.1']);
    const refused = (value: unknown, why: RegExp) =>
      assert.throws(
        () => loadConfig({ env: {}, cwd: dir, overrides: { 'server.trust_proxy': value } }),
        (error: Error) => /^--trust-proxy: server\.trust_proxy: /.test(error.message) && why.test(error.message),
      );
    refused(['proxy.example.com'], /'proxy\.example\.com' is not an IP address, a CIDR range/);
    refused('10.0.0.0/33', /'10\.0\.0\.0\/33' is not an IP address/);
    refused(0, /hop count must be a whole number from 1 to 100/);
    refused([], /the list is empty/);
    refused({ proxy: true }, /must be false, true, a hop count or a list of proxy addresses/);
  });

  test('display.currency: USD by default, from the file or MOATMETRICS_DISPLAY_CURRENCY, checked against ISO 4217', () => {
    assert.equal(loadConfig({ env: {}, cwd: dir }).config.display.currency, 'USD');
    const cwd = withFile('display:\n  currency: EUR\n');
    assert.equal(loadConfig({ env: {}, cwd }).config.display.currency, 'EUR');
    assert.equal(loadConfig({ env: { MOATMETRICS_DISPLAY_CURRENCY: 'gbp' }, cwd }).config.display.currency, 'GBP');
    for (const wrong of ['EURO', 'XYZ', 'DEM', '€']) {
      assert.throws(
        () => loadConfig({ env: { MOATMETRICS_DISPLAY_CURRENCY: wrong }, cwd: dir }),
        { code: 'MM_CONFIG_INVALID', message: 'MOATMETRICS_DISPLAY_CURRENCY: display.currency: must be an ISO 4217 currency code such as USD, EUR or GBP' },
        wrong,
      );
    }
  });

  test('the shipped config/config.yaml is valid and documents display.currency', () => {
    const shipped = fileURLToPath(new URL('../../', import.meta.url));
    assert.equal(loadConfig({ env: {}, cwd: shipped }).config.display.currency, 'USD');
    assert.match(readFileSync(path.join(shipped, 'config', 'config.yaml'), 'utf8'), /^display:\n( {2}#.*\n)+ {2}currency: USD$/m);
  });

  test('invalid YAML is one clear line', () => {
    const cwd = withFile('server: [\n');
    assert.throws(
      () => loadConfig({ env: {}, cwd }),
      (error: Error) => /not valid YAML/.test(error.message) && !error.message.includes('\n'),
    );
  });
});
