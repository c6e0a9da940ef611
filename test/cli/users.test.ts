import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertOneLineError, assertSucceeded, removeScratchDirs, runCli, scratchDir } from './cli-harness.js';

describe('moatmetrics user and token', () => {
  let dataDir: string;
  before(() => {
    dataDir = scratchDir();
  });
  after(() => removeScratchDirs());

  test('user add prints a one-time password once; list shows role and status', async () => {
    const added = await runCli(['user', 'add', 'Kim', '--role', 'viewer'], { dataDir });
    assertSucceeded(added);
    assert.match(added.stdout, /^Created user 'kim' with role viewer\.$/m);
    assert.match(added.stdout, /^One-time password \(shown once; it must be changed at first login\): [A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/m);
    assertSucceeded(await runCli(['user', 'add', 'sam', '--role', 'analyst', '--password-stdin'], { dataDir, stdin: 'a long enough secret phrase\n' }));
    const list = await runCli(['user', 'list', '--json'], { dataDir });
    assertSucceeded(list);
    const users = JSON.parse(list.stdout) as Array<{ username: string; role: string; mustChangePassword: boolean; disabled: boolean }>;
    assert.deepEqual(
      users.map((u) => [u.username, u.role, u.mustChangePassword, u.disabled]),
      [
        ['kim', 'viewer', true, false],
        ['sam', 'analyst', false, false],
      ],
    );
    assert.ok(!list.stdout.includes('argon2'), 'no hashes in listings');
  });

  test('wrong input is a one-line error naming what is wrong', async () => {
    assertOneLineError(
      await runCli(['user', 'add', 'zed', '--role', 'superuser'], { dataDir }),
      /^error: unknown role 'superuser' \(the policy has: admin, analyst, reviewer, viewer, auditor\)$/,
    );
    assertOneLineError(await runCli(['user', 'add', 'kim', '--role', 'viewer'], { dataDir }), "error: a user named 'kim' already exists");
    assertOneLineError(
      await runCli(['user', 'add', 'zed', '--role', 'viewer', '--password-stdin'], { dataDir, stdin: 'short\n' }),
      /^error: the password must have at least 12 characters \(it has 5\)$/,
    );
    assertOneLineError(
      await runCli(['user', 'add', 'zed', '--role', 'viewer', '--password-stdin'], { dataDir, stdin: '123456789012\n' }),
      /^error: the password is too easy to guess: it is a sequence of neighbouring characters or keys \(like 123456, abcdef or qwerty\);/,
    );
    assertOneLineError(await runCli(['user', 'disable', 'nobody'], { dataDir }), "error: no user named 'nobody'");
  });

  test('tokens are printed once, listed without secrets and revoked; disable and passwd', async () => {
    const created = await runCli(['token', 'create', '--user', 'sam', '--name', 'nightly export', '--days', '7'], { dataDir });
    assertSucceeded(created);
    const [summary, token] = created.stdout.trim().split('\n');
    assert.match(token!, /^mmt_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const id = token!.split('_')[1]!;
    assert.match(summary!, new RegExp(`^Token ${id} for 'sam' \\(nightly export\\), valid until `));
    const list = await runCli(['token', 'list'], { dataDir });
    assertSucceeded(list);
    assert.match(list.stdout, new RegExp(`${id}\\s+sam\\s+nightly export\\s+active`));
    assert.ok(!list.stdout.includes(token!.split('_').slice(2).join('_')));
    assertSucceeded(await runCli(['token', 'revoke', id], { dataDir }));
    assert.match((await runCli(['token', 'list'], { dataDir })).stdout, new RegExp(`${id}\\s+sam\\s+nightly export\\s+revoked`));
    assertOneLineError(
      await runCli(['token', 'create', '--user', 'sam', '--name', 'x', '--days', '9999'], { dataDir }),
      /^error: token lifetime must be 1 to 365 days/,
    );

    const disabled = await runCli(['user', 'disable', 'kim'], { dataDir });
    assertSucceeded(disabled);
    assert.match(disabled.stdout, /'kim' is disabled; its sessions ended and its tokens were revoked/);
    const reset = await runCli(['user', 'passwd', 'sam'], { dataDir });
    assertSucceeded(reset);
    assert.match(reset.stdout, /^One-time password for 'sam' \(shown once; it must be changed at next login\): \S+$/m);
    const users = JSON.parse((await runCli(['user', 'list', '--json'], { dataDir })).stdout) as Array<{
      username: string;
      disabled: boolean;
      mustChangePassword: boolean;
    }>;
    assert.deepEqual(
      users.map((u) => [u.username, u.disabled, u.mustChangePassword]),
      [
        ['kim', true, true],
        ['sam', false, true],
      ],
    );
  });
});
