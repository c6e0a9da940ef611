import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { flushQueuedAudit, listAudit } from '../../src/governance/audit-log.js';
import { snapshotTable } from '../support/test-database.js';
import { badTimeLogsCsv, clientsCsv, csvUpload, errorOf, formUpload, formUploadWithLength, startApiTest, timeLogsCsv, type ApiTest } from './api-test-app.js';

interface PresentedImport {
  id: string;
  status: string;
  version: number | null;
  dryRun: boolean;
  mode: string;
  rows: { total: number; added: number; updated: number; unchanged: number; rejected: number };
  errorCount: number;
  errors: Array<{ line: number; column: number | null; field: string | null; value: string | null; reason: string; message: string }>;
  links: { self: string | null; rejects: string | null };
}

async function countRows(api: ApiTest): Promise<{ timeLogs: number; versions: number; imports: number }> {
  const db = api.t.database.kysely;
  const count = async (table: 'time_logs' | 'dataset_versions' | 'imports') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { timeLogs: await count('time_logs'), versions: await count('dataset_versions'), imports: await count('imports') };
}

/** Every file under a directory (the database and its journal aside), relative, sorted. */
function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as Array<{ name: string; parentPath: string; isFile(): boolean }>)
    .filter((entry) => entry.isFile() && !entry.name.startsWith('moatmetrics.db'))
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe('import refusals over HTTP', () => {
  let api: ApiTest;
  before(async () => {
    api = await startApiTest('sqlite');
    const clients = await api.app.inject(csvUpload('/api/v1/imports/clients', clientsCsv));
    assert.equal(clients.statusCode, 201, clients.body);
  });
  after(async () => {
    await api.close();
  });

  test('a strict bad file is 422 with each error located, and nothing is written', async () => {
    const before = await countRows(api);
    const response = await api.app.inject(formUpload('/api/v1/imports/time_logs', badTimeLogsCsv, 'bad_logs.csv'));
    assert.equal(response.statusCode, 422, response.body);
    const error = errorOf(response);
    assert.equal(error.code, 'MM_IMPORT_BAD_ROWS');
    assert.match(error.message, /2 of 3 rows rejected; nothing was imported/);
    const report = error.details as PresentedImport;
    assert.equal(report.status, 'failed');
    assert.equal(report.mode, 'strict');
    assert.equal(report.errorCount, 2);
    assert.deepEqual(
      report.errors.map(({ line, column, field, value }) => ({ line, column, field, value })),
      [
        { line: 3, column: 5, field: 'hours', value: '-2' },
        { line: 4, column: 2, field: 'client_id', value: 'ZZ9' },
      ],
    );
    assert.match(report.errors[0]!.message, /^bad_logs\.csv line 3, column 5 \(hours\): '-2' /);
    assert.match(report.errors[1]!.reason, /unknown client/);
    const after = await countRows(api);
    assert.deepEqual(after, { ...before, imports: before.imports + 1 });
    assert.equal(after.timeLogs, 0);

    // The failed import is on record, with every rejected row downloadable.
    const record = await api.app.inject({ method: 'GET', url: report.links.self! });
    assert.equal(record.statusCode, 200);
    assert.deepEqual((record.json() as PresentedImport).errors, report.errors);
    const rejects = await api.app.inject({ method: 'GET', url: report.links.rejects! });
    assert.equal(rejects.statusCode, 200);
    assert.match(rejects.headers['content-type'] as string, /^text\/csv/);
    assert.match(rejects.headers['content-disposition'] as string, /^attachment; filename="rejected-[0-9a-f-]+\.csv"$/);
    const lines = rejects.body.trim().split(/\r?\n/);
    assert.equal(lines[0], 'line,column,field,value,reason');
    assert.equal(lines.length, 3);
    assert.match(lines[1]!, /^3,5,hours,/);
    assert.match(lines[2]!, /^4,2,client_id,ZZ9,/);
  });

  test('lenient loads the good rows: 201 with the rejected count', async () => {
    const response = await api.app.inject(csvUpload('/api/v1/imports/time_logs?mode=lenient', badTimeLogsCsv));
    assert.equal(response.statusCode, 201, response.body);
    const report = response.json() as PresentedImport;
    assert.equal(report.mode, 'lenient');
    assert.equal(report.version, 2);
    assert.deepEqual(report.rows, { total: 3, added: 1, updated: 0, unchanged: 0, rejected: 2 });
    assert.equal(report.errorCount, 2);
    assert.deepEqual(
      (await snapshotTable(api.t.database, 'time_logs', 'log_id')).map((row) => (row as { log_id: string }).log_id),
      ['B1'],
    );
    const rejects = await api.app.inject({ method: 'GET', url: report.links.rejects! });
    assert.equal(rejects.statusCode, 200);
    assert.equal(rejects.body.trim().split(/\r?\n/).length, 3);
    // Stored relative to the data directory, so a moved or restored data directory still finds it.
    const stored = await api.t.database.kysely.selectFrom('imports').select('rejects_file').where('id', '=', report.id).executeTakeFirstOrThrow();
    assert.equal(stored.rejects_file, `imports/${report.id}/rejected.csv`);
  });

  test('a dry run is 200 validated and writes no data', async () => {
    const before = await countRows(api);
    const response = await api.app.inject(csvUpload('/api/v1/imports/time_logs?dry_run=true', timeLogsCsv));
    assert.equal(response.statusCode, 200, response.body);
    const report = response.json() as PresentedImport;
    assert.equal(report.status, 'validated');
    assert.equal(report.dryRun, true);
    assert.equal(report.version, null);
    assert.deepEqual(report.rows, { total: 3, added: 3, updated: 0, unchanged: 0, rejected: 0 });
    assert.deepEqual(await countRows(api), before, 'no data, version or import record');
    assert.equal(report.links.self, null, 'nothing to link to');
  });

  test('a refused dry run leaves no rejects file, raw copy or import record behind; its audit event says what it found', async () => {
    const before = await countRows(api);
    const filesBefore = filesUnder(api.t.config.data_dir);
    const response = await api.app.inject(csvUpload('/api/v1/imports/time_logs?dry_run=true', badTimeLogsCsv));
    assert.equal(response.statusCode, 422, response.body);
    const report = errorOf(response).details as PresentedImport;
    assert.deepEqual([report.status, report.dryRun, report.errorCount, report.links.rejects], ['failed', true, 2, null]);
    assert.equal(report.errors.length, 2, 'the errors are in the answer');
    assert.deepEqual(await countRows(api), before);
    assert.deepEqual(filesUnder(api.t.config.data_dir), filesBefore);
    assert.equal(existsSync(path.join(api.t.config.data_dir, 'imports', report.id)), false);
    await flushQueuedAudit(api.t.database.kysely);
    const { events } = await listAudit(api.t.database.kysely, { action: 'import.dry_run' });
    const event = events.find((e) => e.details.importId === report.id);
    assert.deepEqual([event?.outcome, event?.details.errorCode], ['failure', 'MM_IMPORT_BAD_ROWS']);
  });

  test('multipart form fields set the options and override the query string', async () => {
    const before = await countRows(api);
    const response = await api.app.inject(formUpload('/api/v1/imports/time_logs?dry_run=false', timeLogsCsv, 'logs.csv', { dry_run: 'true', mode: 'lenient' }));
    assert.equal(response.statusCode, 200, response.body);
    const report = response.json() as PresentedImport;
    assert.equal(report.status, 'validated');
    assert.equal(report.mode, 'lenient');
    assert.equal((await countRows(api)).timeLogs, before.timeLogs);

    const invalid = await api.app.inject(formUpload('/api/v1/imports/time_logs', timeLogsCsv, 'logs.csv', { mode: 'sloppy' }));
    assert.equal(invalid.statusCode, 400);
    assert.equal(errorOf(invalid).code, 'MM_VALIDATION');
    assert.match(errorOf(invalid).message, /form\.mode/);
  });

  describe('uploads over server.upload_limit_mb', () => {
    let small: ApiTest;
    const rows = (n: number) => timeLogsCsv + Array.from({ length: n }, (_, i) => `X${i},C1,Ann Lee,2025-01-02,1,95,true`).join('\n') + '\n';
    const bigCsv = rows(100);
    // Past the limit plus the room left for a multipart envelope, so the declared length alone refuses it.
    const hugeCsv = rows(3000);
    before(async () => {
      small = await startApiTest('sqlite', { 'server.upload_limit_mb': 0.001 });
      assert.ok(Buffer.byteLength(bigCsv) > 0.001 * 1024 * 1024);
    });
    after(async () => {
      await small.close();
    });

    const assertRefused = async (response: Awaited<ReturnType<ApiTest['app']['inject']>>) => {
      assert.equal(response.statusCode, 413, response.body);
      const error = errorOf(response);
      assert.equal(error.code, 'MM_UPLOAD_TOO_LARGE');
      assert.match(error.message, /limit of 0\.001 MB/);
      assert.equal(response.headers.connection, 'close');
      assert.deepEqual(await countRows(small), { timeLogs: 0, versions: 0, imports: 0 });
      assert.deepEqual(readdirSync(path.join(small.t.config.data_dir, 'tmp')), []);
    };

    test('multipart, streamed without Content-Length: 413 when the file passes the limit', async () => {
      await assertRefused(await small.app.inject(formUpload('/api/v1/imports/time_logs', bigCsv, 'big.csv')));
    });

    test('multipart with a Content-Length within the envelope allowance: 413 when the file passes the limit', async () => {
      await assertRefused(await small.app.inject(formUploadWithLength('/api/v1/imports/time_logs', bigCsv, 'big.csv')));
    });

    test('multipart with a Content-Length far over the limit: 413 before reading', async () => {
      await assertRefused(await small.app.inject(formUploadWithLength('/api/v1/imports/time_logs', hugeCsv, 'huge.csv')));
    });

    test('text/csv with a Content-Length over the limit: 413 before reading', async () => {
      await assertRefused(await small.app.inject(csvUpload('/api/v1/imports/time_logs', bigCsv)));
    });

    test('text/csv streamed without Content-Length: 413 once the count passes the limit', async () => {
      const body = Readable.from([Buffer.from(bigCsv.slice(0, 600)), Buffer.from(bigCsv.slice(600))]);
      await assertRefused(await small.app.inject({ method: 'POST', url: '/api/v1/imports/time_logs', headers: { 'content-type': 'text/csv' }, payload: body }));
    });

    test('a file within the limit still imports', async () => {
      const response = await small.app.inject(csvUpload('/api/v1/imports/clients', clientsCsv, { 'content-type': 'application/octet-stream' }));
      assert.equal(response.statusCode, 201, response.body);
    });
  });

  test('an unknown dataset is 404 MM_IMPORT_UNKNOWN_DATASET', async () => {
    const response = await api.app.inject(csvUpload('/api/v1/imports/tickets', timeLogsCsv));
    assert.equal(response.statusCode, 404);
    const error = errorOf(response);
    assert.equal(error.code, 'MM_IMPORT_UNKNOWN_DATASET');
    assert.match(error.message, /unknown dataset 'tickets'/);
  });

  test('a request without a CSV is refused with a clear code', async () => {
    const noFile = new FormData();
    noFile.append('mode', 'strict');
    const emptyForm = await api.app.inject({ method: 'POST', url: '/api/v1/imports/clients', payload: noFile });
    assert.equal(emptyForm.statusCode, 400);
    assert.equal(errorOf(emptyForm).code, 'MM_UPLOAD_MISSING_FILE');

    const noBody = await api.app.inject({ method: 'POST', url: '/api/v1/imports/clients' });
    assert.equal(noBody.statusCode, 400);
    assert.equal(errorOf(noBody).code, 'MM_UPLOAD_MISSING_FILE');

    const json = await api.app.inject({ method: 'POST', url: '/api/v1/imports/clients', payload: { rows: [] } });
    assert.equal(json.statusCode, 400);
    assert.equal(errorOf(json).code, 'MM_VALIDATION');
    assert.match(errorOf(json).message, /Unsupported content type 'application\/json'/);

    const badMode = await api.app.inject(csvUpload('/api/v1/imports/clients?mode=fast', clientsCsv));
    assert.equal(badMode.statusCode, 400);
    assert.equal(errorOf(badMode).code, 'MM_VALIDATION');
  });

  test('a file refused as a whole (missing columns) is 422 with its own code', async () => {
    const response = await api.app.inject(csvUpload('/api/v1/imports/time_logs', 'log_id,client_id\nT1,C1\n'));
    assert.equal(response.statusCode, 422, response.body);
    const error = errorOf(response);
    assert.equal(error.code, 'MM_IMPORT_HEADER');
    assert.equal((error.details as PresentedImport).status, 'failed');
  });

  test('unknown imports and imports without rejects are 404', async () => {
    const missing = await api.app.inject({ method: 'GET', url: '/api/v1/imports/00000000-0000-0000-0000-000000000000' });
    assert.equal(missing.statusCode, 404);
    assert.equal(errorOf(missing).code, 'MM_IMPORT_NOT_FOUND');
    const missingRejects = await api.app.inject({ method: 'GET', url: '/api/v1/imports/00000000-0000-0000-0000-000000000000/rejects' });
    assert.equal(missingRejects.statusCode, 404);
    assert.equal(errorOf(missingRejects).code, 'MM_IMPORT_NOT_FOUND');

    const clean = await api.app.inject(csvUpload('/api/v1/imports/clients', clientsCsv));
    const report = clean.json() as PresentedImport;
    assert.equal(report.links.rejects, null);
    const none = await api.app.inject({ method: 'GET', url: `${report.links.self}/rejects` });
    assert.equal(none.statusCode, 404);
    assert.equal(errorOf(none).code, 'MM_NOT_FOUND');
  });

  test('no upload is left in the temp directory and no partial raw copy in data/raw', () => {
    assert.deepEqual(readdirSync(path.join(api.t.config.data_dir, 'tmp')), []);
    const raw = path.join(api.t.config.data_dir, 'raw');
    assert.ok(existsSync(raw));
    assert.deepEqual(
      readdirSync(raw).filter((name) => name.startsWith('.incoming')),
      [],
    );
  });
});
