// A mistyped command line is refused before anything happens: exit 2, one line naming the
// problem, and no data directory or database created. Each case runs the way a new user
// does, in an empty working directory without --data-dir (the default is ./data).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { assertOneLineError, removeScratchDirs, runCli, scratchDir, writeScratchFile } from './cli-harness.js';

after(removeScratchDirs);

const csvDir = scratchDir();
const clientsFile = writeScratchFile(csvDir, 'clients.csv', 'client_id,client_name\nC1,Acme\n');

const cases: Array<{ args: string[]; message: RegExp }> = [
  {
    args: ['import', 'client', clientsFile],
    message: /^error: unknown dataset 'client' \(one of: clients, staff, invoices, time_logs, licenses\); did you mean 'clients'\?$/,
  },
  { args: ['import', 'payroll', clientsFile], message: /^error: unknown dataset 'payroll' \(one of: clients, staff, invoices, time_logs, licenses\)$/ },
  { args: ['import', 'clients', clientsFile, '--lenent'], message: /^error: unknown option '--lenent'.*\(run with --help for usage\)$/ },
  {
    args: ['import', 'clients', clientsFile, '--date-order', 'european'],
    message: /^error: option '--date-order <order>' argument 'european' is invalid\. Allowed choices are auto, mdy, dmy, ymd\./,
  },
  { args: ['import', 'clients'], message: /^error: missing required argument 'file' \(run with --help for usage\)$/ },
  { args: ['improt', 'clients', clientsFile], message: /^error: unknown command 'improt'/ },
  { args: ['versions', 'rollback', 'latest'], message: /^error: 'latest' is not a version number$/ },
  { args: ['versions', 'show', '3', '--verbose'], message: /^error: unknown option '--verbose'/ },
  { args: ['analyze', '--from', 'yesterday'], message: /^error: --from 'yesterday' is not a date \(YYYY-MM-DD\)$/ },
  { args: ['review', 'list', '--status', 'maybe'], message: /^error: --status must be one of / },
  { args: ['review', 'list', '--limit', 'ten'], message: /^error: option '--limit <n>' argument 'ten' is invalid\. Expected a whole number\./ },
  { args: ['audit', 'list', '--after', '-3'], message: /^error: option '--after <seq>' argument '-3' is invalid\. Expected a whole number\./ },
  { args: ['audit', 'export', '--output', 'events.xml', '--format', 'xml'], message: /^error: --format must be csv or json, not 'xml'$/ },
  { args: ['user', 'scope', 'kim'], message: /^error: give either --clients <ids> or --all$/ },
  { args: ['token', 'create', '--user', 'kim', '--name', 'ci', '--days', 'thirty'], message: /^error: option '--days <days>' argument 'thirty' is invalid/ },
  { args: ['serve', '--port', 'http'], message: /^error: option '--port <port>' argument 'http' is invalid\. Expected a whole number\./ },
  { args: ['serve', '--port', '70000'], message: /^error: option '--port <port>' argument '70000' is invalid\. Expected a port number from 0 to 65535\./ },
];

describe('usage errors: exit 2, one line, nothing created', { concurrency: true, timeout: 180_000 }, () => {
  for (const { args, message } of cases) {
    test(`moatmetrics ${args.map((a) => (a === clientsFile ? 'clients.csv' : a)).join(' ')}`, async () => {
      const cwd = scratchDir();
      const result = await runCli(args, { cwd });
      assertOneLineError(result, message, 2);
      assert.deepEqual(readdirSync(cwd), [], 'the command created files in the working directory');
    });
  }

  // Not a usage error (exit 1), but found just as early: nothing is created for it either.
  test('a file that does not exist: exit 1 and nothing created', async () => {
    const cwd = scratchDir();
    const result = await runCli(['import', 'clients', path.join(csvDir, 'nope.csv')], { cwd });
    assertOneLineError(result, /^error: \S*nope\.csv: no such file$/, 1);
    assert.deepEqual(readdirSync(cwd), []);
  });
});
