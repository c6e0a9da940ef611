// The `moatmetrics` command as a user meets it: a real child process per invocation, in a
// scratch --data-dir. Starts are CPU-bound, so independent
// scenarios run side by side (each in its own data dir) and steps that depend on each
// other run in order within one describe.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { ImportReport } from '../../src/ingest/import-report.js';
import { clientsCsv, timeLogsCsv } from '../support/small-msp.js';
import {
  assertOneLineError,
  assertSucceeded,
  cliBin,
  killLiveChildren,
  listVersionsJson,
  removeScratchDirs,
  runCli,
  runProcess,
  scratchDir,
  shown,
  stackTrace,
  startCli,
  writeScratchFile,
  type CliResult,
  type VersionsListing,
} from './cli-harness.js';

/** Every file under a data dir but the database's own, relative and sorted. */
function listFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as Array<{ name: string; parentPath: string; isFile(): boolean }>)
    .filter((entry) => entry.isFile() && !entry.name.startsWith('moatmetrics.db'))
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

/** Line 2 is fine, line 3 has negative hours, line 4 names a client nobody imported. */
function badTimeLogsCsv(idPrefix: string): string {
  return [
    'log_id,client_id,staff_name,date,hours,rate,billable',
    `${idPrefix}1,C1,Ann Lee,2025-02-03,1.5,95,true`,
    `${idPrefix}2,C2,Bob Ray,2025-02-04,-2,95,true`,
    `${idPrefix}3,C9,Ann Lee,2025-02-05,1,95,true`,
    '',
  ].join('\n');
}

const datasetList = 'clients, staff, invoices, time_logs, licenses';

after(() => {
  killLiveChildren();
  removeScratchDirs();
});

describe('moatmetrics CLI', { concurrency: true, timeout: 240_000 }, () => {
  describe('--help', { concurrency: true }, () => {
    const cases: Array<{ args: string[]; mentions: string[] }> = [
      { args: ['--help'], mentions: ['Usage: moatmetrics', '--data-dir', '--database-url', '--config', '--log-level', 'serve', 'import', 'versions', 'demo'] },
      { args: ['import', '--help'], mentions: ['Usage: moatmetrics import', '<dataset>', '<file>', '--lenient', '--dry-run', '--json', datasetList] },
      { args: ['versions', '--help'], mentions: ['Usage: moatmetrics versions', 'list', 'show', 'rollback'] },
      { args: ['versions', 'rollback', '--help'], mentions: ['Usage: moatmetrics versions rollback', '<number>', '0 = empty', '--json'] },
      { args: ['demo', '--help'], mentions: ['Usage: moatmetrics demo', '--force'] },
      { args: ['serve', '--help'], mentions: ['Usage: moatmetrics serve', '--host', '--port', '--demo-if-empty'] },
    ];
    for (const { args, mentions } of cases) {
      test(`moatmetrics ${args.join(' ')} exits 0 and lists its options`, async () => {
        // The top-level one runs the file itself, so its `#!/usr/bin/env -S node …` line is exercised too.
        const result = args.length === 1 ? await runProcess(cliBin, args) : await runCli(args);
        assert.equal(result.code, 0, shown(result));
        assert.equal(result.stderr, '', shown(result));
        for (const mention of mentions) assert.ok(result.stdout.includes(mention), `help lacks ${mention}\n${shown(result)}`);
      });
    }
  });

  // Steps of one story in one data dir: in order (the parent's concurrency would otherwise be inherited).
  describe('import', { concurrency: 1 }, () => {
    let dir: string;
    let dataDir: string;
    const file = (name: string): string => path.join(dir, name);
    before(() => {
      dir = scratchDir();
      dataDir = path.join(dir, 'data');
      writeScratchFile(dir, 'clients.csv', clientsCsv);
      writeScratchFile(dir, 'time_logs.csv', timeLogsCsv);
      writeScratchFile(dir, 'bad.csv', badTimeLogsCsv('B'));
      writeScratchFile(dir, 'bad2.csv', badTimeLogsCsv('L'));
      writeScratchFile(dir, 'lenient.yaml', 'ingest:\n  mode: lenient\n');
    });

    test('a good clients file becomes version 1', async () => {
      const result = await runCli(['import', 'clients', file('clients.csv')], { dataDir });
      assertSucceeded(result);
      assert.match(result.stdout, /^Imported clients as version 1: 3 added, 0 updated, 0 unchanged, 0 rejected\.\n/, shown(result));
      assert.match(result.stdout, /3 rows {2}sha256 [0-9a-f]{12}/, shown(result));
      assert.equal(result.stderr, '');
    });

    test('--json prints the import report of a good time-logs file', async () => {
      const result = await runCli(['import', 'time_logs', file('time_logs.csv'), '--json'], { dataDir });
      assertSucceeded(result);
      assert.equal(result.stderr, '', 'no progress or notes around the JSON');
      const report = JSON.parse(result.stdout) as ImportReport;
      assert.equal(report.status, 'succeeded');
      assert.equal(report.version, 2);
      assert.equal(report.dataset, 'time_logs');
      assert.equal(report.fileName, 'time_logs.csv');
      assert.equal(report.mode, 'strict');
      assert.equal(report.dryRun, false);
      assert.deepEqual(report.rows, { total: 3, added: 3, updated: 0, unchanged: 0, rejected: 0 });
      assert.deepEqual(report.errors, []);
      assert.match(report.sha256, /^[0-9a-f]{64}$/);
      assert.match(report.createdBy, /^cli:/);
      assert.match(report.message, /^Imported time_logs as version 2/);
    });

    test('the same file again: "Nothing changed", no new version', async () => {
      const result = await runCli(['import', 'time_logs', file('time_logs.csv')], { dataDir });
      assertSucceeded(result);
      assert.match(
        result.stdout,
        /^Nothing changed: every row of time_logs\.csv is already in the current data \(3 unchanged, 0 rejected\); no new version\./,
        shown(result),
      );
    });

    test('a bad file in strict mode: exit 1, each error located, nothing imported, no stack trace', async () => {
      const result = await runCli(['import', 'time_logs', file('bad.csv')], { dataDir });
      assert.equal(result.code, 1, shown(result));
      assert.equal(result.stdout, '', shown(result));
      assert.doesNotMatch(result.stderr, stackTrace, shown(result));
      const lines = result.stderr.split('\n');
      assert.match(lines[0]!, /^error: 2 of 3 rows rejected; nothing was imported \(strict mode\)\. .*--lenient/, shown(result));
      assert.ok(lines.includes("  bad.csv line 3, column 5 (hours): '-2' must not be negative"), shown(result));
      assert.ok(
        lines.includes("  bad.csv line 4, column 2 (client_id): 'C9' unknown client: no client has this id; import it in clients first"),
        shown(result),
      );
      // Every error is also in the rejects file the last line points at.
      const rejects = /All 2 errors: (\S+rejected\.csv)$/m.exec(result.stderr)?.[1];
      assert.ok(rejects && existsSync(rejects), shown(result));
      const rejected = readFileSync(rejects, 'utf8');
      assert.match(rejected, /^line,column,field,value,reason\n/);
      assert.match(rejected, /must not be negative/);
      assert.match(rejected, /unknown client/);
    });

    test('--dry-run validates and writes nothing', async () => {
      const result = await runCli(['import', 'time_logs', file('bad.csv'), '--dry-run', '--lenient'], { dataDir });
      assertSucceeded(result);
      assert.match(
        result.stdout,
        /^Dry run: 3 rows read, 2 would be rejected; would add 1, update 0, leave 0 unchanged\. Nothing was written\.\n/,
        shown(result),
      );
      assert.ok(result.stdout.includes("bad.csv line 3, column 5 (hours): '-2' must not be negative"), shown(result));
    });

    test('a refused dry run (strict) writes no rejects file, raw copy or import record', async () => {
      const before = listFiles(dataDir);
      const result = await runCli(['import', 'time_logs', file('bad2.csv'), '--dry-run'], { dataDir });
      assert.equal(result.code, 1, shown(result));
      assert.match(result.stderr, /^error: Dry run: 2 of 3 rows would be rejected/, shown(result));
      assert.ok(result.stderr.includes("bad2.csv line 3, column 5 (hours): '-2' must not be negative"), shown(result));
      assert.doesNotMatch(result.stderr, /rejected\.csv/, shown(result));
      assert.deepEqual(listFiles(dataDir), before);
      const db = new Database(path.join(dataDir, 'moatmetrics.db'), { readonly: true });
      const dryRecords = db.prepare('SELECT count(*) AS n FROM imports WHERE dry_run = 1').get() as { n: number };
      db.close();
      assert.equal(dryRecords.n, 0);
    });

    test('the unchanged re-import, the refused file and the dry run left the versions as they were', async () => {
      const listing = await listVersionsJson(dataDir);
      assert.equal(listing.current, 2);
      assert.deepEqual(
        listing.versions.map((v) => [v.number, v.dataset, v.status]),
        [
          [2, 'time_logs', 'active'],
          [1, 'clients', 'active'],
        ],
      );
    });

    test('--lenient loads the valid rows and reports the rejected ones', async () => {
      const result = await runCli(['import', 'time_logs', file('bad.csv'), '--lenient'], { dataDir });
      assertSucceeded(result);
      assert.match(result.stdout, /^Imported time_logs as version 3: 1 added, 0 updated, 0 unchanged, 2 rejected\.\n/, shown(result));
      assert.ok(result.stdout.includes("  bad.csv line 4, column 2 (client_id): 'C9' unknown client"), shown(result));
      assert.match(result.stdout, /All 2 errors: \S+rejected\.csv/, shown(result));
    });

    test('config ingest.mode lenient applies to a real import, not only to --dry-run', async () => {
      // The CLI once honoured ingest.mode only with --dry-run, so a dry run promised what the real import then refused.
      const real = await runCli(['--config', file('lenient.yaml'), 'import', 'time_logs', file('bad2.csv')], { dataDir });
      assertSucceeded(real);
      assert.match(real.stdout, /^Imported time_logs as version 4: 1 added, 0 updated, 0 unchanged, 2 rejected\.\n/, shown(real));
    });
  });

  describe('demo and versions', { concurrency: 1 }, () => {
    let dataDir: string;
    let demoVersions: VersionsListing;
    before(() => {
      dataDir = path.join(scratchDir(), 'data');
    });

    test('demo loads the sample MSP as five demo versions', async () => {
      const result = await runCli(['demo'], { dataDir });
      assertSucceeded(result);
      assert.match(result.stdout, /^Imported clients as version 1: \d+ added/m, shown(result));
      assert.match(result.stdout, /^Demo data loaded\./m, shown(result));
      const listing = await listVersionsJson(dataDir);
      demoVersions = listing;
      assert.equal(listing.current, 5);
      assert.deepEqual(
        listing.versions.map((v) => v.dataset),
        ['licenses', 'time_logs', 'invoices', 'staff', 'clients'],
      );
      for (const v of listing.versions) {
        assert.equal(v.isDemo, true, `version ${v.number}`);
        assert.equal(v.createdBy, 'demo', `version ${v.number}`);
        assert.equal(v.status, 'active', `version ${v.number}`);
        assert.ok(v.rows.added > 0, `version ${v.number}`);
      }
    });

    test('demo again without --force refuses, saying why and what to do', async () => {
      const result = await runCli(['demo'], { dataDir });
      assertOneLineError(result, /^error: the database already holds data \(version 5\); .*--data-dir, or --force$/);
    });

    test('versions show 1 prints the dataset and the file sha256', async () => {
      const result = await runCli(['versions', 'show', '1'], { dataDir });
      assertSucceeded(result);
      const sha = demoVersions.versions.find((v) => v.number === 1)!.fileSha256;
      assert.match(result.stdout, /^version 1 \(active, demo data\)\n/, shown(result));
      assert.match(result.stdout, /^ {2}dataset +clients$/m, shown(result));
      assert.match(result.stdout, new RegExp(`^  sha256 +${sha}$`, 'm'), shown(result));
      assert.match(result.stdout, /^ {2}created +\S+ by demo$/m, shown(result));
    });

    test('versions rollback 1 undoes the later versions and keeps them on record', async () => {
      const result = await runCli(['versions', 'rollback', '1'], { dataDir });
      assertSucceeded(result);
      assert.match(result.stdout, /^Rolled back to version 1: undid versions 5, 4, 3, 2 \(0 rows restored, \d{1,3}(,\d{3})* removed\)\.\n$/, shown(result));
      const listing = await listVersionsJson(dataDir);
      assert.equal(listing.current, 1);
      const status = Object.fromEntries(listing.versions.map((v) => [v.number, v.status]));
      assert.deepEqual(status, { 1: 'active', 2: 'rolled_back', 3: 'rolled_back', 4: 'rolled_back', 5: 'rolled_back' });
      for (const v of listing.versions.filter((v) => v.number > 1)) assert.match(v.rolledBackBy ?? '', /^cli:/);
    });
  });

  describe('user errors: one line, exit 1 (2 for a wrong command line), no stack trace', { concurrency: true }, () => {
    const freshDataDir = (): string => path.join(scratchDir(), 'data');

    test('unknown dataset names the valid ones', async () => {
      const dir = scratchDir();
      const csv = writeScratchFile(dir, 'payroll.csv', 'a,b\n1,2\n');
      const result = await runCli(['import', 'payroll', csv], { dataDir: path.join(dir, 'data') });
      assertOneLineError(result, `error: unknown dataset 'payroll' (one of: ${datasetList})`, 2);
    });

    test('missing file', async () => {
      const dir = scratchDir();
      const result = await runCli(['import', 'clients', path.join(dir, 'nope.csv')], { dataDir: path.join(dir, 'data') });
      assertOneLineError(result, /^error: \S*nope\.csv: no such file/);
    });

    test('a file whose header lacks a required column: the reason once, not twice', async () => {
      const dir = scratchDir();
      const csv = writeScratchFile(dir, 'people.csv', 'foo,bar\n1,2\n');
      const result = await runCli(['import', 'clients', csv], { dataDir: path.join(dir, 'data') });
      assertOneLineError(result, /^error: people\.csv line 1: missing required column client_name for clients \(found: foo, bar\) Nothing was imported\.$/);
    });

    test('a wrong value in the environment names the variable and the key', async () => {
      const result = await runCli(['versions', 'list'], { dataDir: freshDataDir(), env: { MOATMETRICS_SERVER_PORT: 'abc' } });
      assertOneLineError(result, /^error: MOATMETRICS_SERVER_PORT: server\.port: /);
    });

    test('a misspelt key in the --config file names the key', async () => {
      const dir = scratchDir();
      const config = writeScratchFile(dir, 'config.yaml', 'server:\n  prot: 8081\n');
      const result = await runCli(['--config', config, 'versions', 'list'], { dataDir: path.join(dir, 'data') });
      assertOneLineError(result, /^error: \S*config\.yaml: server\.prot: unknown setting$/);
    });

    test('versions show of a version that does not exist', async () => {
      const result = await runCli(['versions', 'show', '99'], { dataDir: freshDataDir() });
      assertOneLineError(result, /^error: version 99 does not exist/);
    });

    test('versions rollback of something that is not a number', async () => {
      const result = await runCli(['versions', 'rollback', 'abc'], { dataDir: freshDataDir() });
      assertOneLineError(result, "error: 'abc' is not a version number", 2);
    });

    test('a usage error (missing argument) exits 2 with a pointer to --help', async () => {
      const result = await runCli(['import', 'clients'], { dataDir: freshDataDir() });
      assert.equal(result.code, 2, shown(result));
      assert.equal(result.stdout, '', shown(result));
      assert.doesNotMatch(result.stderr, stackTrace, shown(result));
      assert.equal(result.stderr, "error: missing required argument 'file' (run with --help for usage)\n");
    });
  });

  describe('import progress', { concurrency: 1 }, () => {
    let dir: string;
    let bigFile: string;
    const env = { MOATMETRICS_INGEST_PROGRESS_MIN_MB: '0' };
    before(() => {
      dir = scratchDir();
      const rows = ['client_id,client_name,industry,status,contract_value,onboarded_on,churned_on'];
      for (let i = 0; i < 20_000; i++) rows.push(`K${i},Client ${i},Retail,active,${100 + (i % 900)}.50,2023-01-01,`);
      bigFile = writeScratchFile(dir, 'clients_big.csv', `${rows.join('\n')}\n`);
    });

    test('stderr that is not a terminal gets no carriage-return bar', async () => {
      const result = await runCli(['import', 'clients', bigFile], { dataDir: path.join(dir, 'data'), env });
      assertSucceeded(result);
      assert.match(result.stdout, /^Imported clients as version 1: 20000 added/, shown(result));
      assert.ok(!result.stderr.includes('\r'), `carriage return on a non-terminal stderr\n${JSON.stringify(result.stderr)}`);
      // A slow machine may log plain progress lines; nothing else belongs there.
      for (const line of result.stderr.split('\n').filter(Boolean)) assert.match(line, /^clients_big\.csv: \d+% \(/);
    });

    // The contrast that shows the variable above really switched progress on: on a terminal the bar is drawn.
    test('a terminal gets the redrawn bar, ended by a newline', { skip: !existsSync('/usr/bin/script') && 'needs util-linux script for a pty' }, async () => {
      const command = [process.execPath, cliBin, '--data-dir', path.join(dir, 'data'), 'import', 'clients', bigFile].map(shellQuote).join(' ');
      const result: CliResult = await runProcess('/usr/bin/script', ['-q', '-e', '-c', command, '/dev/null'], { env: { ...env, TERM: 'dumb' } });
      assert.equal(result.code, 0, shown(result));
      assert.match(result.stdout, /\rclients_big\.csv \[[#-]{30}\] +\d+% /, shown(result));
      assert.match(result.stdout, /100% [^\n]*\r?\nNothing changed: /, shown(result));
    });
  });

  describe('serve', { concurrency: true }, () => {
    test('serve --port 0 --demo-if-empty: first start prints the admin one-time password; log in, change it, read versions; stops on SIGTERM', async () => {
      const dataDir = path.join(scratchDir(), 'data');
      const server = startCli(['serve', '--host', '127.0.0.1', '--port', '0', '--demo-if-empty'], { dataDir });
      try {
        const [, url] = await server.waitForStdout(/MoatMetrics is listening on (http:\/\/[^\s]+) /);
        assert.match(server.stdout(), /^Empty database: loading the bundled demo MSP/m);
        const [, oneTime] = server.stdout().match(/^First start: created user 'admin' with the one-time password (\S+)$/m) ?? [];
        assert.ok(oneTime, server.stdout());
        const health = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(15_000) });
        assert.equal(health.status, 200);
        assert.equal((await fetch(`${url}/api/v1/versions`, { signal: AbortSignal.timeout(15_000) })).status, 401, 'nothing without logging in');
        const post = (route: string, body: unknown, cookie?: string) =>
          fetch(`${url}${route}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(15_000),
          });
        const login = await post('/api/v1/auth/login', { username: 'admin', password: oneTime });
        assert.equal(login.status, 200);
        const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
        assert.equal((await post('/api/v1/auth/password', { currentPassword: oneTime, newPassword: 'a different long secret' }, cookie)).status, 204);
        const versions = await fetch(`${url}/api/v1/versions`, { headers: { cookie }, signal: AbortSignal.timeout(15_000) });
        assert.equal(versions.status, 200);
        const body = (await versions.json()) as { current: number; versions: Array<{ number: number; isDemo: boolean; createdBy: string }> };
        assert.equal(body.current, 5);
        assert.deepEqual(
          body.versions.map((v) => [v.number, v.isDemo, v.createdBy]),
          [5, 4, 3, 2, 1].map((n) => [n, true, 'demo']),
        );
      } finally {
        const exit = await server.stop('SIGTERM');
        assert.deepEqual(exit, { code: 0, signal: null }, `serve did not exit cleanly on SIGTERM\n${server.stderr()}`);
      }
      assert.doesNotMatch(server.stderr(), stackTrace);
    });

    test('a port already in use is a one-line error, not an internal error', async () => {
      const blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      try {
        const port = (blocker.address() as { port: number }).port;
        const result = await runCli(['serve', '--host', '127.0.0.1', '--port', String(port)], { dataDir: path.join(scratchDir(), 'data') });
        assertOneLineError(result, `error: cannot listen on 127.0.0.1:${port}: the address is already in use`);
      } finally {
        await new Promise<void>((resolve) => blocker.close(() => resolve()));
      }
    });
  });
});

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
