import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import type { Config } from '../../src/config/schema.js';
import { importFile, type ImportFileOptions } from '../../src/ingest/import-file.js';
import type { ImportReport } from '../../src/ingest/import-report.js';
import { clientsCsv } from '../support/small-msp.js';
import { createTestContext, engines, snapshotTable, type TestContext } from '../support/test-database.js';

/**
 * Files from `ingest.worker_min_mb` are parsed and validated on a worker thread while the
 * rows are written. Whatever the file, the outcome must be the one reading on the import's
 * own thread gives: status, counts, every error with its line and column, the rejects
 * file, whole-file refusals, and the restart a day/month date column needs.
 */

const timeLogs = (...rows: string[]) => ['log_id,client_id,staff_name,date,hours,billable', ...rows, ''].join('\n');

/** What a report says, without what differs between any two runs (ids, times, paths). */
function outcome(report: ImportReport): unknown {
  const { importId: _id, startedAt: _s, finishedAt: _f, rejectsFile, ...rest } = report;
  return { ...rest, rejects: rejectsFile ? readFileSync(rejectsFile, 'utf8') : null };
}

for (const engine of engines) {
  describe(`reading on a worker thread, ${engine}`, () => {
    let t: TestContext;
    let inThread: Config;
    let onWorker: Config;
    let workersStarted = 0;
    let workersEnded = 0;
    const countWorker = (worker: Worker): void => {
      workersStarted += 1;
      worker.once('exit', () => (workersEnded += 1));
    };
    before(async () => {
      // Two-row batches: every file below spans several of them.
      t = await createTestContext(engine, { 'ingest.batch_rows': 2 });
      inThread = t.config;
      onWorker = { ...t.config, ingest: { ...t.config.ingest, worker_min_mb: 0 } };
      const clients = await importFile(t.database, t.config, { dataset: 'clients', file: t.file('clients.csv', clientsCsv) });
      assert.equal(clients.status, 'succeeded', clients.message);
      process.on('worker', countWorker);
    });
    after(async () => {
      process.off('worker', countWorker);
      await t.cleanup();
    });

    /** Runs the same import (a dry run: both see the same data) on this thread and on a worker. */
    async function both(name: string, content: string, options: Partial<ImportFileOptions> = {}): Promise<ImportReport> {
      const file = t.file(name, content);
      const run = (config: Config) => importFile(t.database, config, { dataset: 'time_logs', file, dryRun: true, ...options });
      const started = workersStarted;
      const here = await run(inThread);
      assert.equal(workersStarted, started, 'a small file is read on the import thread by default');
      const there = await run(onWorker);
      assert.equal(workersStarted, started + 1, 'from worker_min_mb the file is read on a worker thread');
      assert.deepEqual(outcome(there), outcome(here), name);
      return there;
    }

    test('strict: row errors keep their file, line and column', async () => {
      const report = await both(
        'strict.csv',
        timeLogs('L1,C1,Ann,2025-01-02,1,yes', 'L2,C9,Ann,2025-01-03,1,yes', 'L3,C1,Ann,2025-01-04,-2,yes', 'L4,C1,Ann', 'L5,C2,Bob,2025-01-05,2,no'),
      );
      assert.equal(report.errorCode, 'MM_IMPORT_BAD_ROWS');
      assert.deepEqual(
        report.errors.map((e) => [e.line, e.column]),
        [
          [3, 2],
          [4, 5],
          [5, null],
        ],
      );
      assert.match(report.errors[1]!.message, /^strict\.csv line 4, column 5 \(hours\): '-2' must not be negative/);
    });

    test('lenient: refused rows and duplicates found by the database interleave as on one thread', async () => {
      const small = await both(
        'lenient.csv',
        timeLogs(
          'L1,C1,Ann,2025-01-02,1,yes',
          'L1,C2,Ann,2025-01-03,1,yes',
          'L2,C1,Ann,2025-13-01,1,yes',
          'L3,C1,Ann,2025-01-04,3,yes',
          'L3,C1,Ann,2025-01-04,3,yes',
        ),
        { mode: 'lenient' },
      );
      assert.equal(small.status, 'validated');
      assert.deepEqual(small.rows, { total: 5, added: 2, updated: 0, unchanged: 0, rejected: 3 });
      // A batch's own row errors come first, then what the database refused of it.
      assert.deepEqual(
        small.errors.map((e) => e.line),
        [4, 3, 6],
      );

      // Many batches (a batch ends with a 64 KiB read): a bad row every 500, a repeated id every 700.
      const rows = Array.from({ length: 6000 }, (_, i) =>
        i % 500 === 7
          ? `B${i},C1,Ann,2025-02-30,1,yes`
          : `B${i % 700 === 3 ? i - 1 : i},C${1 + (i % 2)},Ann,2025-01-${String(1 + (i % 28)).padStart(2, '0')},0.25,yes`,
      );
      const large = await both('lenient-large.csv', timeLogs(...rows), { mode: 'lenient' });
      assert.deepEqual(large.rows, { total: 6000, added: 5979, updated: 0, unchanged: 0, rejected: 21 });
    });

    test('a day-first date deep in the file restarts the reading; an ambiguous column is refused', async () => {
      const rows = Array.from({ length: 9 }, (_, i) => `L${i},C1,Ann,0${1 + (i % 9)}/02/2025,1,yes`);
      const decided = await both('day-first.csv', timeLogs(...rows, 'L99,C2,Bob,25/03/2025,2,yes'));
      assert.equal(decided.status, 'validated', decided.message);
      assert.equal(decided.rows.added, 10);
      const ambiguous = await both('ambiguous.csv', timeLogs(...rows));
      assert.equal(ambiguous.errorCode, 'MM_IMPORT_AMBIGUOUS_DATES');
    });

    test('whole-file refusals: malformed quotes after bad rows, a missing column, no data rows', async () => {
      const malformed = await both('malformed.csv', timeLogs('L1,C1,Ann,2025-01-02,x,yes', 'L2,C1,Ann,2025-01-03,1,yes', 'L3,C1,"Ann,2025-01-04,1,yes'));
      assert.equal(malformed.errorCode, 'MM_IMPORT_MALFORMED_CSV');
      assert.equal(malformed.rows.total, 2, 'the rows before the refusal still count');
      assert.deepEqual(
        malformed.errors.map((e) => e.line),
        [2, 4],
      );
      assert.equal((await both('no-hours.csv', 'log_id,client_id,staff_name,date\nL1,C1,Ann,2025-01-02\n')).errorCode, 'MM_IMPORT_HEADER');
      assert.equal((await both('header-only.csv', timeLogs())).errorCode, 'MM_IMPORT_EMPTY');
    });

    test('a file refused before it is read (its encoding) ends the worker started for it', async () => {
      const started = workersStarted;
      const file = t.file('nul.csv', Buffer.from(timeLogs('N1,C1,Ann,2025-01-02,1,yes').replace('Ann', 'A\u0000nn')));
      const report = await importFile(t.database, onWorker, { dataset: 'time_logs', file });
      assert.equal(report.errorCode, 'MM_IMPORT_ENCODING');
      assert.equal(workersStarted, started + 1);
      for (let i = 0; i < 100 && workersEnded < workersStarted; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(workersEnded, workersStarted, 'every worker thread has ended');
    });

    test('a real import read on a worker writes the same rows', async () => {
      const content = timeLogs('W1,C1,Ann,2025-02-02,1.5,yes', 'W2,C2,Bob,2025-02-03,2,no', 'W3,C1,Ann,bad,1,yes');
      const report = await importFile(t.database, onWorker, { dataset: 'time_logs', file: t.file('real.csv', content), mode: 'lenient' });
      assert.equal(report.status, 'succeeded', report.message);
      assert.deepEqual(report.rows, { total: 3, added: 2, updated: 0, unchanged: 0, rejected: 1 });
      const rows = (await snapshotTable(t.database, 'time_logs', 'log_id')) as Array<{ log_id: string; hours_milli: unknown; source_line: unknown }>;
      assert.deepEqual(
        rows.map((r) => [r.log_id, Number(r.hours_milli), Number(r.source_line)]),
        [
          ['W1', 1500, 2],
          ['W2', 2000, 3],
        ],
      );
    });
  });
}
