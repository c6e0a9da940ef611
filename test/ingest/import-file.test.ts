import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { importFile } from '../../src/ingest/import-file.js';
import { rollbackToVersion } from '../../src/ingest/rollback-version.js';
import { currentVersionNumber, listVersions } from '../../src/versions/versions-repository.js';
import { clientsCsv, timeLogsCsv } from '../support/small-msp.js';
import { createTestContext, engines, snapshotTable, type TestContext } from '../support/test-database.js';

for (const engine of engines) {
  describe(`import on ${engine}`, () => {
    let t: TestContext;
    before(async () => {
      t = await createTestContext(engine);
    });
    after(async () => {
      await t.cleanup();
    });

    const run = (dataset: string, name: string, content: string | Buffer, options: { mode?: 'strict' | 'lenient'; dryRun?: boolean } = {}) =>
      importFile(t.database, t.config, { dataset, file: t.file(name, content), actor: 'tester', ...options });

    test('a good clients file becomes version 1, keeps the raw file and converts money to cents', async () => {
      const report = await run('clients', 'clients.csv', clientsCsv);
      assert.equal(report.status, 'succeeded', report.message);
      assert.equal(report.version, 1);
      assert.deepEqual(report.rows, { total: 3, added: 3, updated: 0, unchanged: 0, rejected: 0 });
      assert.ok(existsSync(path.join(t.config.data_dir, 'raw', report.sha256)));
      assert.equal(readFileSync(path.join(t.config.data_dir, 'raw', report.sha256), 'utf8'), clientsCsv);
      const acme = await t.database.kysely.selectFrom('clients').selectAll().where('client_id', '=', 'C1').executeTakeFirstOrThrow();
      assert.equal(acme.contract_value_cents, 120000);
      assert.equal(acme.client_name_key, 'acme motors');
      const versions = await listVersions(t.database.kysely);
      assert.equal(versions.length, 1);
      assert.equal(versions[0]!.createdBy, 'tester');
      assert.equal(versions[0]!.fileSha256, report.sha256);
      assert.deepEqual(versions[0]!.rows, { added: 3, updated: 0, unchanged: 0, rejected: 0 });
    });

    test('time logs import; the same file again adds nothing and creates no version', async () => {
      const first = await run('time_logs', 'time_logs.csv', timeLogsCsv);
      assert.equal(first.status, 'succeeded', first.message);
      assert.equal(first.version, 2);
      const before = await snapshotTable(t.database, 'time_logs', 'log_id');
      const again = await run('time_logs', 'time_logs.csv', timeLogsCsv);
      assert.equal(again.status, 'unchanged');
      assert.equal(again.version, null);
      assert.deepEqual(again.rows, { total: 3, added: 0, updated: 0, unchanged: 3, rejected: 0 });
      assert.deepEqual(await snapshotTable(t.database, 'time_logs', 'log_id'), before);
      assert.equal(await currentVersionNumber(t.database.kysely), 2);
      const t3 = await t.database.kysely.selectFrom('time_logs').selectAll().where('log_id', '=', 'T3').executeTakeFirstOrThrow();
      assert.equal(t3.hours_milli, 250);
      assert.equal(t3.rate_cents, null);
      assert.equal(t3.billable, 1);
      assert.equal(t3.staff_key, 'ann lee');
    });

    test('a changed row is an update; rollback restores the earlier row exactly', async () => {
      const before = await snapshotTable(t.database, 'time_logs', 'log_id');
      const changed =
        timeLogsCsv.replace('T2,C2,Bob Ray,2025-01-03,2,95,false', 'T2,C2,Bob Ray,2025-01-03,3.5,95,false') + 'T4,C1,Bob Ray,2025-01-07,1,95,true\n';
      const report = await run('time_logs', 'time_logs_v2.csv', changed);
      assert.equal(report.status, 'succeeded', report.message);
      assert.deepEqual(report.rows, { total: 4, added: 1, updated: 1, unchanged: 2, rejected: 0 });
      const t2 = await t.database.kysely.selectFrom('time_logs').select(['hours_milli', 'version_number']).where('log_id', '=', 'T2').executeTakeFirstOrThrow();
      assert.deepEqual(t2, { hours_milli: 3500, version_number: report.version });

      const rolled = await rollbackToVersion(t.database.kysely, 2, 'tester');
      assert.deepEqual(rolled, { version: 2, undone: [report.version], rowsRestored: 1, rowsRemoved: 1 });
      assert.deepEqual(await snapshotTable(t.database, 'time_logs', 'log_id'), before);
      const versions = await listVersions(t.database.kysely);
      assert.equal(versions.find((v) => v.number === report.version)!.status, 'rolled_back');
      assert.equal(await currentVersionNumber(t.database.kysely), 2);
    });

    test('rows without ids get content ids; two identical entries both count, and re-import is idempotent', async () => {
      const csv = [
        'client_name,staff_name,date,hours',
        'acme MOTORS,Ann Lee,2025-02-03,1',
        'acme motors,Ann Lee,2025-02-03,1',
        'Beta Legal LLP,Bob Ray,2/14/2025,0.5',
        '',
      ].join('\n');
      const first = await run('time_logs', 'noid.csv', csv);
      assert.equal(first.status, 'succeeded', first.message);
      assert.equal(first.rows.added, 3);
      const rows = await t.database.kysely
        .selectFrom('time_logs')
        .select(['log_id', 'client_id', 'work_date'])
        .where('work_date', '>=', '2025-02-01')
        .orderBy('log_id')
        .execute();
      assert.equal(rows.length, 3);
      assert.deepEqual(rows.map((r) => r.client_id).sort(), ['C1', 'C1', 'C2']);
      assert.ok(
        rows.some((r) => r.log_id.endsWith(':2')),
        'the second identical entry is occurrence 2',
      );
      assert.ok(
        rows.some((r) => r.work_date === '2025-02-14'),
        'US date 2/14/2025 read as 14 February',
      );
      const again = await run('time_logs', 'noid.csv', csv);
      assert.equal(again.status, 'unchanged');
      assert.equal(again.rows.unchanged, 3);
    });

    test('strict: every bad row is reported with file, line, column and reason, and nothing changes', async () => {
      const beforeLogs = await snapshotTable(t.database, 'time_logs', 'log_id');
      const beforeVersions = await snapshotTable(t.database, 'dataset_versions', 'number');
      const bad = [
        'log_id,client_id,staff_name,date,hours,rate,billable',
        'B1,C1,Ann Lee,2025-03-03,1,95,true',
        'B2,C1,Ann Lee,2025-03-04,-2,95,true',
        'B3,C9,Ann Lee,2025-03-05,1,95,true',
        'B4,C1,Ann Lee,2025-02-30,1,95,true',
        'B5,C1,Ann Lee,2025-03-06,lots,95,maybe',
        'B6,C1,Ann Lee,2025-03-07,1',
        'B1,C2,Bob Ray,2025-03-08,1,95,true',
        'B7,C1,Ann Lee,2025-03-09,25,95,true',
        '',
      ].join('\n');
      const report = await run('time_logs', 'bad.csv', bad);
      assert.equal(report.status, 'failed');
      assert.equal(report.errorCode, 'MM_IMPORT_BAD_ROWS');
      assert.equal(report.version, null);
      assert.equal(report.rows.total, 8);
      assert.equal(report.rows.rejected, 7);
      assert.deepEqual(
        report.errors.map((e) => e.message).sort(),
        [
          "bad.csv line 3, column 5 (hours): '-2' must not be negative",
          "bad.csv line 4, column 2 (client_id): 'C9' unknown client: no client has this id; import it in clients first",
          "bad.csv line 5, column 4 (date): '2025-02-30' is not a real date: February 2025 has no day 30",
          "bad.csv line 6, column 5 (hours): 'lots' is not a number of hours",
          "bad.csv line 6, column 7 (billable): 'maybe' is not a yes/no value (true/false, yes/no, 1/0, Y/N, B/NB/NC)",
          'bad.csv line 7: has 5 fields but the header has 7 (check delimiters and quotes)',
          "bad.csv line 8: duplicate log_id 'B1': already on line 2 of this file",
          "bad.csv line 9, column 5 (hours): '25' must be at most 24 (one day)",
        ].sort(),
      );
      assert.match(report.message, /7 of 8 rows rejected; nothing was imported \(strict mode\)/);
      assert.deepEqual(await snapshotTable(t.database, 'time_logs', 'log_id'), beforeLogs);
      assert.deepEqual(await snapshotTable(t.database, 'dataset_versions', 'number'), beforeVersions);
      assert.ok(!existsSync(path.join(t.config.data_dir, 'raw', report.sha256)), 'a refused file is not kept as a raw version file');
      const stored = await t.database.kysely.selectFrom('imports').selectAll().where('id', '=', report.importId).executeTakeFirstOrThrow();
      assert.equal(stored.status, 'failed');
      assert.equal(Number(stored.rows_rejected), 7);
      const rejects = readFileSync(report.rejectsFile!, 'utf8').trim().split('\n');
      assert.equal(rejects[0], 'line,column,field,value,reason');
      assert.equal(rejects.length, 1 + 8);
    });

    test('lenient: the valid rows load as a version and every rejected row is reported', async () => {
      const csv = [
        'log_id,client_id,staff_name,date,hours,rate,billable',
        'L1,C1,Ann Lee,2025-04-01,1,95,true',
        'L2,C1,Ann Lee,2025-04-02,-1,95,true',
        'L3,Nobody,Ann Lee,2025-04-03,1,95,true',
        'L4,C2,Bob Ray,2025-04-04,2,95,NB',
        'L1,C1,Ann Lee,2025-04-05,1,95,true',
        '',
      ].join('\n');
      const report = await run('time_logs', 'lenient.csv', csv, { mode: 'lenient' });
      assert.equal(report.status, 'succeeded', report.message);
      assert.deepEqual(report.rows, { total: 5, added: 2, updated: 0, unchanged: 0, rejected: 3 });
      assert.deepEqual(report.errors.map((e) => e.line).sort(), [3, 4, 6]);
      const loaded = await t.database.kysely
        .selectFrom('time_logs')
        .select(['log_id', 'billable', 'work_date'])
        .where('log_id', 'in', ['L1', 'L2', 'L3', 'L4'])
        .orderBy('log_id')
        .execute();
      assert.deepEqual(loaded, [
        { log_id: 'L1', billable: 1, work_date: '2025-04-01' },
        { log_id: 'L4', billable: 0, work_date: '2025-04-04' },
      ]);
      const versions = await listVersions(t.database.kysely);
      assert.equal(versions[0]!.rows.rejected, 3);
    });

    test('dry run reports what would change and writes nothing', async () => {
      const beforeLogs = await snapshotTable(t.database, 'time_logs', 'log_id');
      const version = await currentVersionNumber(t.database.kysely);
      const csv = ['log_id,client_id,staff_name,date,hours', 'D1,C1,Ann Lee,2025-05-01,1', 'L1,C1,Ann Lee,2025-04-01,1.25', ''].join('\n');
      const report = await run('time_logs', 'dry.csv', csv, { dryRun: true });
      assert.equal(report.status, 'validated');
      assert.deepEqual(report.rows, { total: 2, added: 1, updated: 1, unchanged: 0, rejected: 0 });
      assert.deepEqual(await snapshotTable(t.database, 'time_logs', 'log_id'), beforeLogs);
      assert.equal(await currentVersionNumber(t.database.kysely), version);
    });

    test('older MoatMetrics columns (client_name, amount, date, name) and statuses map onto the canonical ones', async () => {
      const clients = await run('clients', 'legacy_clients.csv', 'name,industry,is_active\nDelta Dental,Healthcare,false\n');
      assert.equal(clients.status, 'succeeded', clients.message);
      const delta = await t.database.kysely.selectFrom('clients').selectAll().where('client_name_key', '=', 'delta dental').executeTakeFirstOrThrow();
      assert.equal(delta.client_id, 'delta-dental');
      assert.equal(delta.status, 'inactive');
      const invoices = await run(
        'invoices',
        'legacy_invoices.csv',
        'invoice_number,client_name,date,amount,status\nINV-1,delta dental,2025-01-31,"$1,250.00",sent\nCN-1,Delta Dental,2025-02-28,(100.00),paid\n',
      );
      assert.equal(invoices.status, 'succeeded', invoices.message);
      const rows = await t.database.kysely
        .selectFrom('invoices')
        .select(['invoice_id', 'client_id', 'total_cents', 'status', 'currency'])
        .orderBy('invoice_id')
        .execute();
      assert.deepEqual(rows, [
        { invoice_id: 'CN-1', client_id: 'delta-dental', total_cents: -10000, status: 'paid', currency: 'USD' },
        { invoice_id: 'INV-1', client_id: 'delta-dental', total_cents: 125000, status: 'pending', currency: 'USD' },
      ]);
    });

    test('a client name already used by another client id is refused, naming the holder', async () => {
      const report = await run('clients', 'clash.csv', 'client_id,client_name\nC99,ACME motors\n');
      assert.equal(report.status, 'failed');
      assert.equal(report.errors[0]!.message, "clash.csv line 2: client name 'ACME motors' already belongs to client C1 (names are unique, ignoring case)");
    });

    test('licenses need a monthly cost; staff and licenses load with their aliases', async () => {
      const staff = await run('staff', 'staff.csv', 'Technician,Title,Hourly Cost,Capacity\nAnn Lee,Engineer,62.00,40\nBob Ray,Service Desk,,30\n');
      assert.equal(staff.status, 'succeeded', staff.message);
      const bob = await t.database.kysely.selectFrom('staff').selectAll().where('staff_key', '=', 'bob ray').executeTakeFirstOrThrow();
      assert.equal(bob.cost_rate_cents, null);
      assert.equal(bob.weekly_capacity_hours, 30);
      const licenses = await run(
        'licenses',
        'licenses.csv',
        'license_id,client_id,product,vendor,seats_purchased,seats_used,cost_per_seat,total_cost\nLIC1,C1,Microsoft 365 E3,Microsoft,50,36,36.00,\nLIC2,C1,Zoom Pro,Zoom,5,7,,75.00\nLIC3,C2,Duo MFA,Cisco,0,0,,\n',
      );
      assert.equal(licenses.status, 'failed');
      assert.deepEqual(
        licenses.errors.map((e) => e.message),
        ["licenses.csv line 4, column 7 (cost_per_seat): '' cost_per_seat or total_cost is required (monthly cost)"],
      );
      const fixed = await run(
        'licenses',
        'licenses.csv',
        'license_id,client_id,product,vendor,seats_purchased,seats_used,cost_per_seat,total_cost\nLIC1,C1,Microsoft 365 E3,Microsoft,50,36,36.00,\nLIC2,C1,Zoom Pro,Zoom,5,7,,75.00\nLIC3,C2,Duo MFA,Cisco,0,0,3,\n',
      );
      assert.equal(fixed.status, 'succeeded', fixed.message);
      assert.equal(fixed.rows.added, 3);
    });

    test('encodings and delimiters: UTF-16 with BOM, Windows-1252, semicolons with decimal commas, tabs, quoted newlines', async () => {
      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('client_id,client_name,industry\nC20,Zürich Café AG,Retail\n', 'utf16le')]);
      const a = await run('clients', 'utf16.csv', utf16);
      assert.equal(a.status, 'succeeded', a.message);
      assert.equal(a.encoding, 'utf-16le');
      const cp1252 = Buffer.from([...Buffer.from('client_id,client_name\nC21,Caf'), 0xe9, ...Buffer.from(' Noir\n')]);
      const b = await run('clients', 'cp1252.csv', cp1252);
      assert.equal(b.status, 'succeeded', b.message);
      assert.equal(b.encoding, 'windows-1252');
      const names = await t.database.kysely.selectFrom('clients').select('client_name').where('client_id', 'in', ['C20', 'C21']).orderBy('client_id').execute();
      assert.deepEqual(
        names.map((n) => n.client_name),
        ['Zürich Café AG', 'Café Noir'],
      );
      const semicolon = await run(
        'time_logs',
        'semi.csv',
        'log_id;client_id;staff_name;date;hours;rate;notes\nS1;C1;Ann Lee;2025-06-02;1,5;95,00;"line one\nline two; with ""quotes"""\nS2;C1;Ann Lee;2025-06-03;2;95;plain\n',
      );
      assert.equal(semicolon.status, 'succeeded', semicolon.message);
      assert.equal(semicolon.delimiter, ';');
      const s1 = await t.database.kysely
        .selectFrom('time_logs')
        .select(['hours_milli', 'rate_cents', 'notes', 'source_line'])
        .where('log_id', 'in', ['S1', 'S2'])
        .orderBy('log_id')
        .execute();
      assert.deepEqual(s1, [
        { hours_milli: 1500, rate_cents: 9500, notes: 'line one\nline two; with "quotes"', source_line: 2 },
        { hours_milli: 2000, rate_cents: 9500, notes: 'plain', source_line: 4 },
      ]);
      const tabs = await run('time_logs', 'tabs.tsv', 'log_id\tclient_id\tstaff_name\tdate\thours\nTB1\tC2\tBob Ray\t2025-06-04\t0:45\n');
      assert.equal(tabs.status, 'succeeded', tabs.message);
      const tb1 = await t.database.kysely.selectFrom('time_logs').select('hours_milli').where('log_id', '=', 'TB1').executeTakeFirstOrThrow();
      assert.equal(tb1.hours_milli, 750);
    });

    test('files refused as a whole: mixed encoding, malformed quotes, missing columns, empty', async () => {
      const before = await snapshotTable(t.database, 'clients', 'client_id');
      const mixed = Buffer.concat([Buffer.from('client_id,client_name\nC30,Zürich\nC31,Caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
      const m = await run('clients', 'mixed.csv', mixed);
      assert.equal(m.status, 'failed');
      assert.equal(m.errorCode, 'MM_IMPORT_ENCODING');
      assert.match(m.errors[0]!.message, /^mixed\.csv line 3, byte 8: 0xE9 is not valid UTF-8/);
      const quotes = await run('clients', 'quotes.csv', 'client_id,client_name\nC32,"Quoted"x\n');
      assert.equal(quotes.errorCode, 'MM_IMPORT_MALFORMED_CSV');
      assert.match(quotes.errors[0]!.message, /^quotes\.csv line 2, column 13: unexpected character 'x' after a closing quote/);
      const header = await run('time_logs', 'header.csv', 'log_id,client_id,staff_name,hours\nX1,C1,Ann,1\n');
      assert.equal(header.errorCode, 'MM_IMPORT_HEADER');
      assert.equal(header.errors[0]!.message, 'header.csv line 1: missing required column date for time_logs (found: log_id, client_id, staff_name, hours)');
      const empty = await run('clients', 'empty.csv', '');
      assert.equal(empty.errorCode, 'MM_IMPORT_EMPTY');
      const onlyHeader = await run('clients', 'only-header.csv', 'client_id,client_name\n');
      assert.equal(onlyHeader.errorCode, 'MM_IMPORT_EMPTY');
      assert.deepEqual(await snapshotTable(t.database, 'clients', 'client_id'), before);
    });

    test('rollback to 0 empties every dataset, and versions stay on record', async () => {
      const result = await rollbackToVersion(t.database.kysely, 0, 'tester');
      assert.equal(result.version, 0);
      for (const table of ['clients', 'time_logs', 'invoices', 'licenses', 'staff'] as const) {
        assert.deepEqual(
          await snapshotTable(
            t.database,
            table,
            table === 'staff'
              ? 'staff_key'
              : table === 'clients'
                ? 'client_id'
                : table === 'invoices'
                  ? 'invoice_id'
                  : table === 'licenses'
                    ? 'license_id'
                    : 'log_id',
          ),
          [],
          table,
        );
      }
      const versions = await listVersions(t.database.kysely);
      assert.ok(versions.length > 5);
      assert.ok(versions.every((v) => v.status === 'rolled_back'));
      await assert.rejects(rollbackToVersion(t.database.kysely, 0, 'tester'), /already at version 0/);
    });
  });
}
