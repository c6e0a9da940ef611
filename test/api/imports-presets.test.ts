import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fixture } from '../support/vendor-exports.js';
import { csvUpload, formUpload, startApiTest, type ApiTest } from './api-test-app.js';

interface PresentedImport {
  id: string;
  status: string;
  rows: { total: number; added: number; rejected: number };
  format: {
    preset: { id: string; name: string } | null;
    titleRows: number;
    skippedRows: number;
    dateOrders: Array<{ column: string; order: string | null }>;
    decimalSeparator: string | null;
    currency: string | null;
  };
  links: { self: string };
}

const read = (name: string) => readFileSync(fixture(name), 'utf8');

describe('vendor exports over HTTP', () => {
  let api: ApiTest;
  before(async () => {
    api = await startApiTest('sqlite');
    for (const dataset of ['clients', 'staff']) {
      const response = await api.app.inject(formUpload(`/api/v1/imports/${dataset}`, read(`canonical/${dataset}.csv`), `${dataset}.csv`));
      assert.equal(response.statusCode, 201, response.body);
    }
  });
  after(async () => {
    await api.close();
  });

  test('an Autotask export uploaded with no options: the import and its stored record say how it was read', async () => {
    const response = await api.app.inject(formUpload('/api/v1/imports/time_logs', read('autotask-time-entries.csv'), 'Time Entries.csv'));
    assert.equal(response.statusCode, 201, response.body);
    const report = response.json() as PresentedImport;
    assert.deepEqual(report.rows.added, 10);
    const expected = {
      preset: { id: 'autotask-time', name: 'Autotask time entries' },
      titleRows: 0,
      skippedRows: 1,
      dateOrders: [{ column: 'Date Worked', order: 'dmy' }],
      decimalSeparator: ',',
      currency: 'EUR',
    };
    assert.deepEqual(report.format, expected);
    const stored = await api.app.inject({ method: 'GET', url: report.links.self });
    assert.equal(stored.statusCode, 200, stored.body);
    assert.deepEqual((stored.json() as PresentedImport).format, expected);
  });

  test('?preset= chooses one; an unknown preset is a 400 naming the choices, before the file is read', async () => {
    const chosen = await api.app.inject(csvUpload('/api/v1/imports/time_logs?preset=halopsa-time&dry_run=true', read('halopsa-actions.csv')));
    assert.equal(chosen.statusCode, 200, chosen.body);
    assert.equal((chosen.json() as PresentedImport).format.preset?.id, 'halopsa-time');
    const unknown = await api.app.inject(csvUpload('/api/v1/imports/time_logs?preset=sage', read('halopsa-actions.csv')));
    assert.equal(unknown.statusCode, 400, unknown.body);
    assert.equal((unknown.json() as { error: { code: string } }).error.code, 'MM_IMPORT_UNKNOWN_PRESET');
  });

  test('a partial export is a 422 naming the preset and the missing column', async () => {
    const response = await api.app.inject(
      csvUpload('/api/v1/imports/time_logs?file_name=cw.csv', 'Member Name,Date,Company,Bill (B/NB/NC)\nJane Doe,3/3/2025,Acme Corp,B\n'),
    );
    assert.equal(response.statusCode, 422, response.body);
    const body = response.json() as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'MM_IMPORT_HEADER');
    assert.match(body.error.message, /ConnectWise PSA time entries export \(preset connectwise-time\), but it lacks the column hours/);
  });
});
