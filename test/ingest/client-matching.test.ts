import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { confirmClientName, listUnmappedClientNames, mapClientName, unmapClientName } from '../../src/ingest/client-aliases.js';
import { listClientAliases } from '../../src/ingest/client-aliases-repository.js';
import { importFile } from '../../src/ingest/import-file.js';
import { findImport } from '../../src/ingest/imports-repository.js';
import { createTestContext, engines, type TestContext } from '../support/test-database.js';

const clients = [
  'client_id,client_name,industry,status',
  'acme,Acme Corp.,Retail,active',
  'dental-us,Acme Dental Inc.,Healthcare,active',
  'dental-ca,Acme Dental LLC,Healthcare,active',
  'beta,Beta Legal LLP,Legal,active',
  '',
].join('\n');

/**
 * "ACME Corporation" is Xero's spelling of "Acme Corp.", "Acme" Partner Center's; "Acme
 * Dental" could be either of two legal entities; nobody is called "Gamma Works".
 */
const invoices = [
  'invoice_id,client_name,invoice_date,amount,status',
  'I1,ACME Corporation,2025-01-05,100.00,paid',
  'I2,ACME Corporation,2025-02-05,200.00,paid',
  'I3,Acme Dental,2025-02-06,50.00,paid',
  'I4,beta legal llp,2025-02-07,75.00,paid',
  'I5,Gamma Works,2025-02-08,10.00,paid',
  'I6,Acme,2025-02-09,30.00,paid',
  '',
].join('\n');

for (const engine of engines) {
  describe(`client names across sources on ${engine}`, () => {
    let t: TestContext;
    before(async () => {
      t = await createTestContext(engine);
      const loaded = await importFile(t.database, t.config, { dataset: 'clients', file: t.file('clients.csv', clients), actor: 'ana' });
      assert.equal(loaded.status, 'succeeded', loaded.message);
    });
    after(async () => {
      await t.cleanup();
    });

    const importInvoices = (options: { dryRun?: boolean; mode?: 'strict' | 'lenient' } = {}) =>
      importFile(t.database, t.config, { dataset: 'invoices', file: t.file('invoices.csv', invoices), actor: 'ana', mode: 'lenient', ...options });
    const clientOf = async (invoiceId: string) =>
      (await t.database.kysely.selectFrom('invoices').select('client_id').where('invoice_id', '=', invoiceId).executeTakeFirst())?.client_id;

    test('a dry run reports the matches and records nothing', async () => {
      const report = await importInvoices({ dryRun: true });
      assert.equal(report.status, 'validated', report.message);
      assert.deepEqual(report.clientMatches.automatic, [
        { name: 'ACME Corporation', clientId: 'acme', clientName: 'Acme Corp.', rows: 2 },
        { name: 'Acme', clientId: 'acme', clientName: 'Acme Corp.', rows: 1 },
      ]);
      assert.deepEqual(await listClientAliases(t.database.kysely), []);
    });

    test('read on a worker thread, in batches of one row, the names are counted the same', async () => {
      const onWorker = { ...t.config, ingest: { ...t.config.ingest, worker_min_mb: 0, batch_rows: 1 } };
      const report = await importFile(t.database, onWorker, {
        dataset: 'invoices',
        file: t.file('w.csv', invoices),
        actor: 'ana',
        mode: 'lenient',
        dryRun: true,
      });
      const inline = await importInvoices({ dryRun: true });
      assert.deepEqual(report.clientMatches, inline.clientMatches);
      assert.equal(report.clientMatches.automatic[0]!.rows, 2);
    });

    test('a strict import that fails on unmapped names still records them (nothing else)', async () => {
      const report = await importInvoices({ mode: 'strict' });
      assert.equal(report.status, 'failed');
      const aliases = await listClientAliases(t.database.kysely);
      assert.deepEqual(
        aliases.map((a) => [a.alias_name, a.status, a.rows_seen]),
        [
          ['Acme Dental', 'unmapped', 1],
          ['Gamma Works', 'unmapped', 1],
        ],
      );
    });

    test('"ACME Corporation" loads for "Acme Corp." as an automatic match; ambiguous and unknown names are rejected with reasons', async () => {
      const report = await importInvoices();
      assert.equal(report.status, 'succeeded', report.message);
      assert.deepEqual(report.rows, { total: 6, added: 4, updated: 0, unchanged: 0, rejected: 2 });
      assert.equal(await clientOf('I1'), 'acme');
      assert.equal(await clientOf('I2'), 'acme');
      assert.equal(await clientOf('I4'), 'beta');
      assert.equal(await clientOf('I6'), 'acme');
      assert.deepEqual(report.clientMatches, {
        automatic: [
          { name: 'ACME Corporation', clientId: 'acme', clientName: 'Acme Corp.', rows: 2 },
          { name: 'Acme', clientId: 'acme', clientName: 'Acme Corp.', rows: 1 },
        ],
        unmapped: [
          { name: 'Acme Dental', rows: 1, candidates: ['Acme Dental Inc.', 'Acme Dental LLC'] },
          { name: 'Gamma Works', rows: 1, candidates: [] },
        ],
      });
      const ambiguous = report.errors.find((e) => e.line === 4)!;
      assert.equal(
        ambiguous.reason,
        "ambiguous client: matches 'Acme Dental Inc.' and 'Acme Dental LLC'; map it with `moatmetrics clients map \"Acme Dental\" --to <client>`",
      );
      assert.match(report.errors.find((e) => e.line === 6)!.reason, /^unknown client: no client has this name/);
      // The import record keeps them (HTTP GET /imports/:id).
      const stored = await findImport(t.database.kysely, report.importId, t.config.data_dir);
      assert.deepEqual(stored!.clientMatches, report.clientMatches);
      const aliases = await listClientAliases(t.database.kysely);
      assert.deepEqual(
        aliases.map((a) => [a.alias_name, a.status, a.client_id, a.rows_seen]),
        [
          ['Acme', 'auto', 'acme', 1],
          ['ACME Corporation', 'auto', 'acme', 2],
          ['Acme Dental', 'unmapped', null, 2],
          ['Gamma Works', 'unmapped', null, 2],
        ],
      );
      assert.equal(aliases.find((a) => a.alias_name === 'ACME Corporation')!.first_seen_import, report.importId);
    });

    test('the unmapped list suggests the closest clients; map, then the same file loads the rows rejected before', async () => {
      const listed = await listUnmappedClientNames(t.database.kysely);
      assert.deepEqual(
        listed.automatic.map((a) => [a.name, a.client.clientId, a.rows]),
        [
          ['Acme', 'acme', 1],
          ['ACME Corporation', 'acme', 2],
        ],
      );
      const dental = listed.unmapped.find((u) => u.name === 'Acme Dental')!;
      assert.deepEqual(
        dental.suggestions
          .map((s) => s.clientId)
          .slice(0, 2)
          .sort(),
        ['dental-ca', 'dental-us'],
      );
      assert.deepEqual(listed.unmapped.find((u) => u.name === 'Gamma Works')!.suggestions, []);

      const mapped = await mapClientName(t.database.kysely, { name: 'acme dental', to: 'Acme Dental Inc.', actor: 'ana' });
      assert.deepEqual(mapped.client, { clientId: 'dental-us', clientName: 'Acme Dental Inc.' });
      const again = await importInvoices();
      assert.equal(again.status, 'succeeded', again.message);
      assert.equal(await clientOf('I3'), 'dental-us');
      assert.deepEqual(
        again.clientMatches.unmapped.map((u) => u.name),
        ['Gamma Works'],
      );
      const events = await t.database.kysely.selectFrom('audit_events').select(['action', 'target', 'actor']).where('action', 'like', 'clients.%').execute();
      assert.deepEqual(events, [{ action: 'clients.alias_map', target: 'Acme Dental', actor: 'ana' }]);
    });

    test('confirm and unmap are audited; an unmapped name is no longer matched loosely', async () => {
      const confirmed = await confirmClientName(t.database.kysely, { name: 'acme corporation', actor: 'ana' });
      assert.equal(confirmed.status, 'confirmed');
      await assert.rejects(confirmClientName(t.database.kysely, { name: 'ACME Corporation', actor: 'ana' }), { code: 'MM_CLIENT_NAME_CONFLICT' });
      await assert.rejects(confirmClientName(t.database.kysely, { name: 'Never Seen', actor: 'ana' }), { code: 'MM_CLIENT_NAME_NOT_FOUND' });
      await assert.rejects(mapClientName(t.database.kysely, { name: 'Gamma Works', to: 'nobody', actor: 'ana' }), { code: 'MM_CLIENT_NOT_FOUND' });
      await assert.rejects(mapClientName(t.database.kysely, { name: 'acme dental llc', to: 'acme', actor: 'ana' }), { code: 'MM_CLIENT_NAME_CONFLICT' });

      await unmapClientName(t.database.kysely, { name: 'ACME Corporation', actor: 'bo' });
      const report = await importFile(t.database, t.config, {
        dataset: 'invoices',
        file: t.file('more.csv', 'invoice_id,client_name,invoice_date,amount\nI9,ACME CORP,2025-03-01,10\nI10,Acme Corporation,2025-03-01,10\n'),
        actor: 'ana',
        mode: 'lenient',
      });
      // "ACME CORP" is another spelling (not unmapped): still matched loosely; the unmapped one
      // is compared ignoring case.
      assert.equal(await clientOf('I9'), 'acme');
      assert.equal(await clientOf('I10'), undefined);
      assert.match(report.errors[0]!.reason, /was unmapped from the client it looked like/);
      const events = await t.database.kysely
        .selectFrom('audit_events')
        .select(['action', 'actor'])
        .where('action', 'like', 'clients.%')
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        events.map((e) => `${e.action} ${e.actor}`),
        ['clients.alias_map ana', 'clients.alias_confirm ana', 'clients.alias_unmap bo'],
      );
    });

    test('a clients file saying "ACME Corporation" updates Acme Corp. instead of creating a second Acme', async () => {
      const file = t.file(
        'xero-clients.csv',
        'client_name,industry\nACME CORP,Wholesale\nAcme Dental,Dentistry\nAcme Dental Ltd,Dentistry\nNew Client Ltd,Legal\n',
      );
      const report = await importFile(t.database, t.config, { dataset: 'clients', file, actor: 'ana', mode: 'lenient' });
      assert.equal(report.status, 'succeeded', report.message);
      assert.deepEqual(report.rows, { total: 4, added: 1, updated: 2, unchanged: 0, rejected: 1 });
      const acme = await t.database.kysely.selectFrom('clients').selectAll().where('client_id', '=', 'acme').executeTakeFirstOrThrow();
      assert.equal(acme.client_name, 'Acme Corp.');
      assert.equal(acme.industry, 'Wholesale');
      assert.deepEqual(report.clientMatches.automatic, [{ name: 'ACME CORP', clientId: 'acme', clientName: 'Acme Corp.', rows: 1 }]);
      // "Acme Dental" is mapped to Acme Dental Inc. (above): the row updates that client.
      const dental = await t.database.kysely.selectFrom('clients').selectAll().where('client_id', '=', 'dental-us').executeTakeFirstOrThrow();
      assert.deepEqual([dental.client_name, dental.industry], ['Acme Dental Inc.', 'Dentistry']);
      assert.match(
        report.errors[0]!.message,
        /line 4, column 1 \(client_name\): 'Acme Dental Ltd' ambiguous client: matches 'Acme Dental Inc.' and 'Acme Dental LLC'/,
      );
      assert.deepEqual(
        (await t.database.kysely.selectFrom('clients').select('client_id').orderBy('client_id').execute()).map((c) => c.client_id),
        ['acme', 'beta', 'dental-ca', 'dental-us', 'new-client-ltd'],
      );
    });
  });
}
