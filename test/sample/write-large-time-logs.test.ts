import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeLargeMspReferenceData } from '../../src/sample/write-large-msp-reference-data.js';
import { writeLargeTimeLogs } from '../../src/sample/write-large-time-logs.js';
import { writeSampleMsp } from '../../src/sample/write-sample-msp.js';
import { readCsv, sha256 } from './read-csv.js';

const TIME_LOG_HEADER = ['log_id', 'client_id', 'staff_name', 'date', 'hours', 'rate', 'billable'];

let root: string;
before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'mm-large-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

describe('writeLargeTimeLogs', () => {
  it('writes 50,000 rows that reference only the generated clients and staff', async () => {
    const file = path.join(root, 'time_logs_50k.csv');
    const result = await writeLargeTimeLogs(file, { rows: 50_000, clients: 120, staff: 15 });
    const text = await readFile(file, 'utf8');
    assert.equal(countLines(text), 50_001);
    assert.ok(text.endsWith('\n'));
    assert.deepEqual(result, { rows: 50_000, bytes: (await stat(file)).size });

    const reference = await writeLargeMspReferenceData(path.join(root, 'reference'), { clients: 120, staff: 15 });
    const clientIds = new Set((await readCsv(reference.clients)).rows.map((c) => c.client_id));
    const staffNames = new Set((await readCsv(reference.staff)).rows.map((s) => s.staff_name));
    assert.equal(clientIds.size, 120);
    assert.ok(clientIds.has('C0001') && clientIds.has('C0120'));

    const logs = await readCsv(file);
    assert.deepEqual(logs.header, TIME_LOG_HEADER);
    const usedClients = new Set<string>();
    for (const [n, t] of logs.rows.entries()) {
      assert.ok(clientIds.has(t.client_id), `unknown client ${t.client_id}`);
      assert.ok(staffNames.has(t.staff_name), `unknown staff ${t.staff_name}`);
      const hours = Number(t.hours);
      assert.ok(hours > 0 && hours <= 10 && (hours * 4) % 1 === 0, `hours ${t.hours}`);
      assert.match(t.date ?? '', /^2024-(09|1[0-2])-\d{2}$|^2025-(0\d|10)-\d{2}$/);
      assert.match(t.billable ?? '', /^(true|false)$/);
      assert.equal(t.log_id, `TL-${String(n + 1).padStart(10, '0')}`);
      usedClients.add(t.client_id ?? '');
    }
    assert.equal(usedClients.size, 120, 'every client gets time');
  });

  it('omits log_id with withoutIds', async () => {
    const file = path.join(root, 'no_ids.csv');
    const result = await writeLargeTimeLogs(file, { rows: 1_000, withoutIds: true });
    const logs = await readCsv(file);
    assert.deepEqual(logs.header, TIME_LOG_HEADER.slice(1));
    assert.equal(logs.rows.length, 1_000);
    assert.equal(result.rows, 1_000);
  });

  it('is deterministic for the same options and varies with the seed', async () => {
    const a = path.join(root, 'a.csv');
    const b = path.join(root, 'b.csv');
    const c = path.join(root, 'c.csv');
    await writeLargeTimeLogs(a, { rows: 20_000, seed: 3 });
    await writeLargeTimeLogs(b, { rows: 20_000, seed: 3 });
    await writeLargeTimeLogs(c, { rows: 20_000, seed: 4 });
    assert.equal(await sha256(a), await sha256(b));
    assert.notEqual(await sha256(a), await sha256(c));
  });

  it('stops at targetBytes, within one line', async () => {
    const file = path.join(root, 'sized.csv');
    const result = await writeLargeTimeLogs(file, { targetBytes: 3_000_000 });
    const size = (await stat(file)).size;
    assert.equal(result.bytes, size);
    assert.ok(size >= 3_000_000 && size < 3_000_100, `${size} bytes`);
    assert.equal(countLines(await readFile(file, 'utf8')), result.rows + 1);
  });

  it('names exactly the staff of writeSampleMsp with the same seed and count', async () => {
    const sample = await writeSampleMsp(path.join(root, 'sample'), { seed: 11, staff: 9, clients: 6 });
    const reference = await writeLargeMspReferenceData(path.join(root, 'reference-11'), { clients: 6, staff: 9, seed: 11 });
    assert.equal(await sha256(reference.staff), await sha256(sample.files.staff));

    const file = path.join(root, 'seed11.csv');
    await writeLargeTimeLogs(file, { rows: 5_000, clients: 6, staff: 9, seed: 11 });
    const staffNames = new Set((await readCsv(sample.files.staff)).rows.map((s) => s.staff_name));
    const logged = new Set((await readCsv(file)).rows.map((t) => t.staff_name));
    assert.deepEqual(
      [...logged].filter((name) => !staffNames.has(name)),
      [],
    );
    assert.ok(logged.size >= 7, `only ${logged.size} of 9 staff log time`);
  });

  it('writes unique client names for big portfolios', async () => {
    const reference = await writeLargeMspReferenceData(path.join(root, 'reference-big'), { clients: 5_000 });
    const clients = await readCsv(reference.clients);
    assert.equal(clients.rows.length, 5_000);
    assert.equal(clients.rows.at(-1)?.client_id, 'C5000');
    const names = clients.rows.map((c) => c.client_name?.toLowerCase());
    assert.equal(new Set(names).size, names.length);
  });

  it('rejects bad sizes with MM_USAGE', async () => {
    await assert.rejects(writeLargeTimeLogs(path.join(root, 'bad.csv'), { rows: -1 }), { code: 'MM_USAGE' });
    await assert.rejects(writeLargeTimeLogs(path.join(root, 'bad.csv'), { rows: 10, clients: 0 }), { code: 'MM_USAGE' });
  });
});
