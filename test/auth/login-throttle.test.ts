import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressKey, LoginThrottle } from '../../src/auth/login-throttle.js';

const MINUTE = 60_000;

test('a (name, address) pair backs off after max_failures, doubling up to lockout_minutes, and is forgotten later', () => {
  const throttle = new LoginThrottle({ maxFailures: 5, lockoutMinutes: 15 });
  let now = 1_000_000;
  for (let i = 0; i < 4; i++) throttle.recordFailure('admin', '10.0.0.1', now);
  assert.equal(throttle.waitMs('admin', '10.0.0.1', now), 0, 'four failures: no wait yet');
  throttle.recordFailure('admin', '10.0.0.1', now);
  assert.equal(throttle.waitMs('admin', '10.0.0.1', now), MINUTE);
  assert.equal(throttle.waitMs('admin', '10.0.0.2', now), 0, 'another address is not affected');
  assert.equal(throttle.waitMs('root', '10.0.0.1', now), 0, 'nor another name');
  const waits: number[] = [];
  for (let i = 0; i < 5; i++) {
    now += throttle.waitMs('admin', '10.0.0.1', now);
    throttle.recordFailure('admin', '10.0.0.1', now);
    waits.push(throttle.waitMs('admin', '10.0.0.1', now) / MINUTE);
  }
  assert.deepEqual(waits, [2, 4, 8, 15, 15]);
  now += throttle.waitMs('admin', '10.0.0.1', now) + 1;
  throttle.recordFailure('admin', '10.0.0.1', now);
  assert.equal(throttle.waitMs('admin', '10.0.0.1', now), 15 * MINUTE, 'a guess just after a back-off ends backs off again, in full');
  now += 15 * MINUTE + 15 * MINUTE + 1;
  assert.equal(throttle.waitMs('admin', '10.0.0.1', now), 0);
  throttle.recordFailure('admin', '10.0.0.1', now);
  assert.equal(throttle.waitMs('admin', '10.0.0.1', now), 0, 'lockout_minutes quiet after the back-off: the pair starts afresh');
  for (let i = 0; i < 4; i++) throttle.recordFailure('admin', '10.0.0.1', now);
  throttle.recordSuccess('admin', '10.0.0.1');
  assert.equal(throttle.waitMs('admin', '10.0.0.1', now), 0, 'a success forgets the pair');
});

test('addresses failing for an account are counted within the window, IPv6 per /64', () => {
  const throttle = new LoginThrottle({ maxFailures: 5, lockoutMinutes: 15 });
  assert.equal(throttle.addressesFailing('admin', '2001:db8:1:2::1', 0), 1);
  assert.equal(throttle.addressesFailing('admin', '2001:db8:1:2:ffff::9', 1), 1, 'the same /64');
  assert.equal(throttle.addressesFailing('admin', '2001:db8:1:3::1', 2), 2);
  assert.equal(throttle.addressesFailing('admin', '::ffff:192.0.2.7', 3), 3);
  assert.equal(throttle.addressesFailing('admin', '192.0.2.7', 4), 3, 'IPv4-mapped is the IPv4 address');
  assert.equal(throttle.addressesFailing('admin', '192.0.2.8', 16 * MINUTE), 1, 'older failures fall out of the window');
  throttle.forgetAccount('admin');
  assert.equal(throttle.addressesFailing('admin', '192.0.2.8', 16 * MINUTE), 1);
  assert.equal(addressKey('2001:DB8::1'), '2001:db8:0:0::/64');
  assert.equal(addressKey('fe80:0000:0000:0000:0202:b3ff:fe1e:8329'), 'fe80:0:0:0::/64');
  assert.equal(addressKey('127.0.0.1'), '127.0.0.1');
});

test('memory is bounded: the least recently failed pairs are forgotten first', () => {
  const throttle = new LoginThrottle({ maxFailures: 1, lockoutMinutes: 15 }, 3);
  for (const name of ['a', 'b', 'c', 'd']) throttle.recordFailure(name, '10.0.0.1', 0);
  assert.deepEqual(
    ['a', 'b', 'c', 'd'].map((name) => throttle.waitMs(name, '10.0.0.1', 1) > 0),
    [false, true, true, true],
  );
});
