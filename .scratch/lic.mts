import { importFile } from '/work/main/src/ingest/import-file.js';
import { createTestContext } from '/work/main/test/support/test-database.js';
import { fixture } from '/work/main/test/support/vendor-exports.js';
const t = await createTestContext('sqlite');
for (const dataset of ['clients', 'staff', 'invoices', 'time_logs']) await importFile(t.database, t.config, { dataset, file: fixture(`canonical/${dataset}.csv`), actor: 't' });
const files: any[] = [
  { file: 'partner-center-reconciliation.csv' },
  { file: 'pax8-subscriptions.csv' },
  { file: 'graph-subscribed-skus-acme.csv', client: 'Acme Corp', priceList: fixture('price-list.csv') },
  { file: 'm365-admin-licenses-bright.csv', client: 'C-BRIGHT' },
  { file: 'connectwise-agreement-additions.csv' },
];
for (const { file, ...o } of files) { const r = await importFile(t.database, t.config, { dataset: 'licenses', file: fixture(file), actor: 't', ...o }); console.log(file, r.status, r.rows, r.errors.map(e=>e.message)); }
console.log(await t.database.kysely.selectFrom('licenses').selectAll().where('client_id','=','C-COAST').execute());
await t.cleanup();
