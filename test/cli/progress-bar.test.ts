import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProgressReporter, formatDuration } from '../../src/cli/progress-bar.js';

function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const stream = { isTTY, text: '', write(chunk: string) { stream.text += chunk; return true; } };
  return stream as unknown as NodeJS.WriteStream & { text: string };
}

test('on a terminal the bar is redrawn in place with rows, percentage, MB/s and ETA', () => {
  const tty = fakeStream(true);
  const reporter = createProgressReporter(tty, 'big.csv');
  reporter.update({ bytesRead: 25_000_000, totalBytes: 100_000_000, rows: 400_000 });
  reporter.done();
  assert.match(tty.text, /^\rbig\.csv \[#{8}-{22}\]  25%  400,000 rows  [\d.]+ MB\/s  ETA \d+:\d\d\u001b\[K\n$/);
});

test('off a terminal there is no carriage-return bar; the first update within 5 s prints nothing', () => {
  const pipe = fakeStream(false);
  const reporter = createProgressReporter(pipe, 'big.csv');
  reporter.update({ bytesRead: 1, totalBytes: 2, rows: 1 });
  reporter.done();
  assert.equal(pipe.text, '');
});

test('durations print as m:ss', () => {
  assert.equal(formatDuration(0), '0:00');
  assert.equal(formatDuration(61.4), '1:01');
  assert.equal(formatDuration(-3), '0:00');
});
