import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { csvCell, csvLine } from '../../src/export/csv-cell.js';
import { engines } from '../support/test-database.js';
import { ANONYMOUS, clientsCsv, csvUpload, startApiTest, type ApiTest } from '../api/api-test-app.js';

/**
 * One CSV line as a spreadsheet set to `separator` splits it: a quote opens a quoted field
 * only as the field's first character (Excel's rule), `""` inside one is a quote.
 */
function spreadsheetCells(line: string, separator: ',' | ';'): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted && c === '"' && line[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (quoted && c === '"') {
      quoted = false;
    } else if (quoted) {
      cell += c;
    } else if (c === '"' && cell === '') {
      quoted = true;
    } else if (c === separator) {
      cells.push(cell);
      cell = '';
    } else {
      cell += c;
    }
  }
  cells.push(cell);
  return cells;
}

/** The cells of `line` that would start a formula, read with `,` or with `;` as the list separator. */
function formulaCells(line: string): string[] {
  const cells = [...spreadsheetCells(line, ','), ...spreadsheetCells(line, ';')];
  return cells.filter((cell) => /^ *[=+\-@\t\r]/.test(cell) && !/^-?\d+(\.\d+)?$/.test(cell));
}

describe('CSV cells', () => {
  test('a formula where any spreadsheet may start a cell gets an apostrophe; plain numbers stay numbers', () => {
    const cases: Array<[unknown, string]> = [
      ['=SUM(A1)', `"'=SUM(A1)"`],
      ['1;=HYPERLINK(A1)', `"'1;'=HYPERLINK(A1)"`],
      ['x,@SUM(1)', `"'x,'@SUM(1)"`],
      ['note\n+cmd', `"'note\n'+cmd"`],
      ['a;  "=1+1"', `"'a;'  ""=1+1"""`],
      ['\tx', `"'\tx"`],
      [' -x', `"' -x"`],
      ['-12.50', '-12.50'],
      ['+3', '+3'],
      ['1,-2', '"1,-2"'],
      ['a;b', 'a;b'],
      ['Acme, Inc.', '"Acme, Inc."'],
      [null, ''],
      [42, '42'],
    ];
    for (const [value, expected] of cases) assert.equal(csvCell(value), expected, JSON.stringify(value));
  });

  test('no cell of a written line starts a formula, whether read with , or ; as the separator', () => {
    const values = ['1;=HYPERLINK(A1)', '2,=cmd|"/c calc"!A0', 'x;"=1+1"', '@SUM(1)', '-12.50', 'plain'];
    const line = csvLine(values).trimEnd();
    assert.deepEqual(formulaCells(line), []);
    assert.ok(formulaCells(values.join(',')).length > 0, 'the check itself finds formulas in an unprotected line');
  });
});

for (const engine of engines) {
  describe(`CSV exports neutralise formulas on ${engine}`, () => {
    let api: ApiTest;
    before(async () => {
      api = await startApiTest(engine);
      await api.app.ready();
      assert.equal((await api.app.inject(csvUpload('/api/v1/imports/clients', clientsCsv))).statusCode, 201);
    });
    after(async () => {
      await api.close();
    });

    test('the rejected-rows download', async () => {
      const csv = [
        'log_id,client_id,staff_name,date,hours',
        'X1,C1,Ann Lee,2025-01-02,1;=HYPERLINK(A1)',
        'X2,C1,Ann Lee,2025-01-03,-12.50',
        'X3,C1,Ann Lee,2025-01-04,1',
        '',
      ].join('\n');
      const upload = await api.app.inject(csvUpload('/api/v1/imports/time_logs?mode=lenient', csv));
      assert.equal(upload.statusCode, 201, upload.body);
      const rejects = await api.app.inject({ method: 'GET', url: (upload.json() as { links: { rejects: string } }).links.rejects });
      const lines = rejects.body.trimEnd().split('\n');
      assert.match(lines[1]!, /^2,5,hours,"'1;'=HYPERLINK\(A1\)",/);
      assert.match(lines[2]!, /^3,5,hours,-12\.50,/, 'a negative number stays a number');
      for (const line of lines) assert.deepEqual(formulaCells(line), [], line);
    });

    test('the audit export', async () => {
      const payload = { username: '1;=hyperlink(a1)', password: 'wrong password here' };
      const login = await api.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: ANONYMOUS, payload });
      assert.equal(login.statusCode, 401);
      const csv = await api.app.inject({ method: 'GET', url: '/api/v1/audit/export?format=csv&action=auth.login' });
      const lines = csv.body.trimEnd().split('\n');
      assert.ok(
        lines.some((line) => line.includes(`,"'1;'=hyperlink(a1)",auth.login,`)),
        csv.body,
      );
      for (const line of lines) assert.deepEqual(formulaCells(line), [], line);
    });
  });
}
