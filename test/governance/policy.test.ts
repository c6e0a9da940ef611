import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { listAudit } from '../../src/governance/audit-log.js';
import { bundledPolicyFile, loadPolicy } from '../../src/governance/policy.js';
import { notePolicyInUse, policyFileLabel } from '../../src/governance/policy-history.js';
import { createTestContext, engines } from '../support/test-database.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mm-policy-'));
const shipped = readFileSync(bundledPolicyFile, 'utf8');
function policyFile(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('the policy file', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the shipped policy loads, and the files it is read from are named', () => {
    const { policy, file, sha256 } = loadPolicy(null, dir);
    assert.equal(file, bundledPolicyFile);
    assert.match(sha256, /^[0-9a-f]{64}$/);
    assert.equal(policy.review.four_eyes, true);
    assert.equal(policy.login.max_failures, 5);
    assert.equal(policy.uploads.max_mb, 512);
  });

  test('an unknown permission, role or setting, or broken YAML, is one error naming file, key or line', () => {
    const cases: Array<[string, string, RegExp]> = [
      [
        'permission.yaml',
        shipped.replace('viewer: [data:read]', 'viewer: [data:read, data:write]'),
        /permission\.yaml: roles\.viewer\.1: unknown permission 'data:write'/,
      ],
      [
        'role.yaml',
        shipped.replace('viewer: [data:read]', 'viewer: [data:read]\n  intern: [data:read]'),
        /role\.yaml: roles\.intern: unknown role 'intern' \(known: admin, analyst, reviewer, viewer, auditor\)/,
      ],
      ['setting.yaml', `${shipped}\nlogin_attempts: 3\n`, /setting\.yaml: .*login_attempts/],
      ['yaml.yaml', 'roles:\n  admin: [data:read\n', /yaml\.yaml:\d+:\d+: /],
      [
        'lockout.yaml',
        shipped.replace('admin: [data:read, data:import,', 'admin: [data:read,').replace(', users:manage, policy:manage]', ', policy:manage]'),
        /admin must keep users:manage/,
      ],
    ];
    for (const [name, text, message] of cases) {
      assert.throws(
        () => loadPolicy(policyFile(name, text)),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'MM_CONFIG_INVALID');
          assert.match(error.message, message);
          return true;
        },
        name,
      );
    }
  });

  test('a changed policy is recorded in the audit trail once, with both hashes', async () => {
    const t = await createTestContext('sqlite');
    try {
      const first = loadPolicy(policyFile('a.yaml', shipped));
      assert.equal(await notePolicyInUse(t.database.kysely, first, 'system'), true);
      assert.equal(await notePolicyInUse(t.database.kysely, first, 'system'), false, 'unchanged: nothing recorded');
      const changed = loadPolicy(policyFile('a.yaml', shipped.replace('max_failures: 5', 'max_failures: 3')));
      assert.equal(await notePolicyInUse(t.database.kysely, changed, 'cli:ops'), true);
      const { events } = await listAudit(t.database.kysely, { action: 'policy.' });
      assert.deepEqual(
        events.map((e) => [e.action, e.actor, e.details.from, e.details.to]),
        [
          ['policy.first_use', 'system', null, first.sha256],
          ['policy.change', 'cli:ops', first.sha256, changed.sha256],
        ],
      );
    } finally {
      await t.cleanup();
    }
  });

  for (const engine of engines) {
    test(`the audit trail names the policy file without its absolute path on ${engine}`, async () => {
      const t = await createTestContext(engine);
      try {
        const loaded = loadPolicy(policyFile('site-policy.yaml', shipped));
        assert.ok(path.isAbsolute(loaded.file));
        assert.equal(await notePolicyInUse(t.database.kysely, loaded, 'system'), true);
        const { events } = await listAudit(t.database.kysely);
        assert.deepEqual(
          events.map((e) => [e.seq, e.action, e.target]),
          [[1, 'policy.first_use', 'site-policy.yaml']],
        );
        const db = t.database.kysely;
        const meta = await db.selectFrom('app_meta').select('value').where('key', '=', 'policy_in_use').executeTakeFirstOrThrow();
        assert.deepEqual(JSON.parse(meta.value), { sha256: loaded.sha256, file: 'site-policy.yaml' });
        assert.ok(!JSON.stringify(events).includes(dir) && !meta.value.includes(dir), 'no absolute path is stored');
      } finally {
        await t.cleanup();
      }
    });
  }

  test('a policy file inside the working directory is named relative to it', () => {
    const cwd = path.join(dir, 'site');
    assert.equal(policyFileLabel(path.join(cwd, 'config', 'policies', 'default.yaml'), cwd), 'config/policies/default.yaml');
    assert.equal(policyFileLabel(path.join(dir, 'elsewhere.yaml'), cwd), 'elsewhere.yaml');
    assert.equal(policyFileLabel('/etc/moatmetrics/policy.yaml', cwd), 'policy.yaml');
  });
});
