import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { importFile } from '../../../src/ingest/import-file.js';
import { createTestContext, type TestContext } from '../../support/test-database.js';
import { figuresAfter, fixture } from '../../support/vendor-exports.js';

describe('PSA member lists (psa-staff)', () => {
  test('a ConnectWise Members export gives the same labor cost and utilization as the canonical staff file', async () => {
    const canonical = await figuresAfter('sqlite', { dataset: 'staff', file: fixture('canonical/staff.csv') });
    const members = await figuresAfter('sqlite', { dataset: 'staff', file: fixture('connectwise-members.csv') });
    assert.deepEqual(members, canonical);
  });

  let t: TestContext;
  before(async () => {
    t = await createTestContext('sqlite');
  });
  after(async () => {
    await t.cleanup();
  });

  test('First Name + Last Name make the name; Daily Capacity × 5 working days the weekly capacity', async () => {
    const report = await importFile(t.database, t.config, { dataset: 'staff', file: fixture('connectwise-members.csv'), actor: 'tester' });
    assert.equal(report.status, 'succeeded', report.message);
    assert.equal(report.format.preset?.id, 'psa-staff');
    const rows = await t.database.kysely
      .selectFrom('staff')
      .select(['staff_name', 'weekly_capacity_hours', 'cost_rate_cents', 'role'])
      .orderBy('staff_name')
      .execute();
    assert.deepEqual(
      rows.map((r) => [r.staff_name, Number(r.weekly_capacity_hours), Number(r.cost_rate_cents), r.role]),
      [
        ['Jane Doe', 40, 6250, 'Senior Engineer'],
        ['Raj Patel', 40, 4800, 'Engineer'],
        ['Tom Nguyen', 32, 3500, 'Help Desk'],
      ],
    );
  });

  test('a member with no first or last name is named by Member ID; a bad capacity names its column', async () => {
    const csv = 'Member ID,First Name,Last Name,Daily Capacity\nSvcDesk,,,7.5\nJDoe,Jane,Doe,lots\n';
    const report = await importFile(t.database, t.config, {
      dataset: 'staff',
      file: t.file('members.csv', csv),
      actor: 'tester',
      dryRun: true,
      mode: 'lenient',
    });
    assert.equal(report.rows.rejected, 1);
    assert.match(report.errors[0]!.message, /members\.csv line 3, column 4 \(Daily Capacity\): 'lots' must be a positive number/);
  });
});
