import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isMmError } from '../../src/errors.js';
import { listAudit } from '../../src/governance/audit-log.js';
import { importFile } from '../../src/ingest/import-file.js';
import { listProfiles, proposeProfile, removeImportProfile, saveImportProfile } from '../../src/ingest/import-profiles.js';
import { parseMappingOverride } from '../../src/ingest/header-proposal.js';
import { createTestContext, engines, type TestContext } from '../support/test-database.js';

const clients = ['client_id,client_name,industry,status', 'acme,Acme Corp,Retail,active', 'beta,Beta Legal,Legal,active', ''].join('\n');

/** The same four time entries, as the canonical columns write them and as an odd in-house export does. */
const canonical = [
  'staff_name,date,client_name,hours,rate,billable',
  'Ana,2025-03-03,Acme Corp,1.5,120.00,yes',
  'Ben,2025-03-04,Beta Legal,2.25,95.00,no',
  'Ana,2025-03-05,Beta Legal,0.75,95.00,yes',
  'Cy,2025-03-06,Acme Corp,4,120.00,yes',
  '',
].join('\n');
const oddHeader = ['Tech', 'Day', 'Cust', 'Hrs Spent', 'Bill Rate $', 'Billable?'];
const odd = [
  oddHeader.join(','),
  'Ana,2025-03-03,Acme Corp,1.5,120.00,yes',
  'Ben,2025-03-04,Beta Legal,2.25,95.00,no',
  'Ana,2025-03-05,Beta Legal,0.75,95.00,yes',
  'Cy,2025-03-06,Acme Corp,4,120.00,yes',
  '',
].join('\n');

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isMmError(error), String(error));
    return { code: error.code, message: error.message };
  }
  assert.fail('expected a refusal');
}

for (const engine of engines) {
  describe(`mapping profiles on ${engine}`, () => {
    let t: TestContext;
    before(async () => {
      t = await createTestContext(engine);
      const loaded = await importFile(t.database, t.config, { dataset: 'clients', file: t.file('clients.csv', clients), actor: 'ana' });
      assert.equal(loaded.status, 'succeeded', loaded.message);
    });
    after(async () => {
      await t.cleanup();
    });

    const timeRows = () =>
      t.database.kysely
        .selectFrom('time_logs')
        .select(['log_id', 'client_id', 'staff_name', 'work_date', 'hours_milli', 'rate_cents', 'billable'])
        .orderBy('log_id')
        .execute();

    test('without a profile the odd header is refused, naming the missing columns', async () => {
      const report = await importFile(t.database, t.config, { dataset: 'time_logs', file: t.file('odd.csv', odd), actor: 'ana', dryRun: true });
      assert.equal(report.status, 'failed');
      assert.equal(report.errorCode, 'MM_IMPORT_HEADER');
      assert.match(report.message, /missing required columns client_id or client_name, staff_name, date, hours/);
    });

    test('a saved profile is used with no flags and gives the same rows as the canonical file', async () => {
      const first = await importFile(t.database, t.config, { dataset: 'time_logs', file: t.file('canonical.csv', canonical), actor: 'ana' });
      assert.equal(first.status, 'succeeded', first.message);
      const stored = await timeRows();
      assert.equal(stored.length, 4);

      const proposal = proposeProfile('time_logs', oddHeader);
      assert.deepEqual(proposal.missing, []);
      const saved = await saveImportProfile(t.database.kysely, { name: 'in-house time', header: oddHeader, proposal, actor: 'ana' });
      assert.deepEqual(saved.signature, ['tech', 'day', 'cust', 'hrs_spent', 'bill_rate_$', 'billable?']);

      const report = await importFile(t.database, t.config, { dataset: 'time_logs', file: t.file('odd.csv', odd), actor: 'ana' });
      assert.equal(report.status, 'unchanged', report.message);
      assert.deepEqual(report.format.preset, { id: 'profile:in-house time', name: 'in-house time (saved mapping)' });
      assert.deepEqual(report.rows, { total: 4, added: 0, updated: 0, unchanged: 4, rejected: 0 });
      assert.deepEqual(await timeRows(), stored);
    });

    test('read on a worker thread, a file with an added column, the profile still maps it', async () => {
      const wider = odd
        .split('\n')
        .map((line, i) => (line === '' ? line : `${line},${i === 0 ? 'Internal Ref' : `R${i}`}`))
        .join('\n');
      const config = { ...t.config, ingest: { ...t.config.ingest, worker_min_mb: 0 } };
      const before = await timeRows();
      const report = await importFile(t.database, config, { dataset: 'time_logs', file: t.file('wider.csv', wider), actor: 'ana', dryRun: true });
      assert.equal(report.status, 'validated', report.message);
      assert.deepEqual(report.format.preset, { id: 'profile:in-house time', name: 'in-house time (saved mapping)' });
      assert.deepEqual(report.rows, { total: 4, added: 0, updated: 0, unchanged: 4, rejected: 0 });
      assert.deepEqual(report.ignoredColumns, ['Internal Ref']);
      assert.deepEqual(await timeRows(), before);
    });

    test('--set moves a field to another column; the profile is chosen by name', async () => {
      const header = ['Tech', 'Day', 'Cust', 'Hrs Spent', 'Hrs Billed'];
      const proposed = proposeProfile('time_logs', header);
      assert.equal(proposed.mapping.hours, 'Hrs Spent');
      const corrected = proposeProfile('time_logs', header, [parseMappingOverride('Hrs Billed=hours')]);
      assert.equal(corrected.mapping.hours, 'Hrs Billed');
      assert.equal(corrected.columns.find((c) => c.header === 'Hrs Spent')!.field, null);
      await saveImportProfile(t.database.kysely, { name: 'billed', header, proposal: corrected, actor: 'ana' });
      const file = t.file('billed.csv', [header.join(','), 'Dee,2025-04-01,Acme Corp,3,2', ''].join('\n'));
      const report = await importFile(t.database, t.config, { dataset: 'time_logs', file, actor: 'ana', profile: 'billed' });
      assert.equal(report.status, 'succeeded', report.message);
      const row = await t.database.kysely.selectFrom('time_logs').select(['hours_milli']).where('staff_name', '=', 'Dee').executeTakeFirstOrThrow();
      assert.equal(Number(row.hours_milli), 2000);
      const viaPreset = await importFile(t.database, t.config, { dataset: 'time_logs', file, actor: 'ana', preset: 'profile:billed', dryRun: true });
      assert.deepEqual(viaPreset.format.preset, { id: 'profile:billed', name: 'billed (saved mapping)' });
    });

    test('an override naming a column or field that does not exist is refused', () => {
      assert.throws(
        () => proposeProfile('time_logs', oddHeader, [parseMappingOverride('Minutes=hours')]),
        /the file has no column 'Minutes' \(its columns: Tech, Day/,
      );
      assert.throws(() => proposeProfile('time_logs', oddHeader, [parseMappingOverride('Tech=technician')]), /time_logs has no field 'technician'/);
      assert.throws(
        () => parseMappingOverride('Tech'),
        (e: unknown) => isMmError(e) && e.code === 'MM_PROFILE_INVALID',
      );
    });

    test('an unknown profile, or one for another dataset, is refused before anything is read', async () => {
      const file = t.file('odd.csv', odd);
      const unknown = await refusal(importFile(t.database, t.config, { dataset: 'time_logs', file, actor: 'ana', profile: 'nope' }));
      assert.equal(unknown.code, 'MM_PROFILE_NOT_FOUND');
      assert.match(unknown.message, /no saved mapping profile named 'nope'; saved for time_logs: billed, in-house time/);
      const other = await refusal(importFile(t.database, t.config, { dataset: 'invoices', file, actor: 'ana', preset: 'profile:billed' }));
      assert.equal(other.code, 'MM_PROFILE_NOT_FOUND');
      assert.match(other.message, /'billed' imports time_logs, not invoices/);
    });

    test('a profile that leaves a required field unmapped, or takes a used name, is not saved', async () => {
      const header = ['Tech', 'Day', 'Cust', 'Hrs Spent'];
      const incomplete = proposeProfile('time_logs', header, [parseMappingOverride('Day=')]);
      const missing = await refusal(saveImportProfile(t.database.kysely, { name: 'partial', header, proposal: incomplete, actor: 'ana' }));
      assert.equal(missing.code, 'MM_PROFILE_INVALID');
      assert.match(missing.message, /the required field date of time_logs unmapped/);
      const taken = await refusal(
        saveImportProfile(t.database.kysely, { name: 'billed', header, proposal: proposeProfile('time_logs', header), actor: 'ana' }),
      );
      assert.equal(taken.code, 'MM_PROFILE_EXISTS');
      assert.deepEqual(
        (await listProfiles(t.database.kysely)).map((p) => p.name),
        ['billed', 'in-house time'],
      );
    });

    test('removing a profile is audited with its saving; the header is refused again', async () => {
      const removed = await removeImportProfile(t.database.kysely, { name: 'in-house time', actor: 'ben' });
      assert.equal(removed.dataset, 'time_logs');
      const { events } = await listAudit(t.database.kysely, { action: 'import_profile.' });
      assert.deepEqual(
        events.map((e) => [e.action, e.target, e.actor]),
        [
          ['import_profile.save', 'in-house time', 'ana'],
          ['import_profile.save', 'billed', 'ana'],
          ['import_profile.remove', 'in-house time', 'ben'],
        ],
      );
      const report = await importFile(t.database, t.config, { dataset: 'time_logs', file: t.file('odd.csv', odd), actor: 'ana', dryRun: true });
      assert.equal(report.errorCode, 'MM_IMPORT_HEADER');
      assert.equal((await refusal(removeImportProfile(t.database.kysely, { name: 'in-house time', actor: 'ben' }))).code, 'MM_PROFILE_NOT_FOUND');
    });
  });
}
