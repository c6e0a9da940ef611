import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProgressReporter, formatDuration } from '../../src/cli/progress-bar.js';

function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const stream = {
    isTTY,
    text: '',
    write(chunk: string) {
      stream.text += chunk;
      return true;
    },
  };
  return stream as unknown as NodeJS.WriteStream & { text: string };
}

test('on a terminal the bar is redrawn in place with rows, percentage, MB/s and ETA', () => {
  const tty = fakeStream(true);
  const reporter = createProgressReporter(tty, 'big.csv');
  reporter.update({ bytesRead: 25_000_000, totalBytes: 100_000_000, rows: 400_000 });
  reporter.done();
  const clearLine = '\u001b[K';
  assert.ok(tty.text.startsWith('\rbig.csv ['), tty.text);
  assert.ok(tty.text.endsWith(`${clearLine}\n`), tty.text);
  const visible = tty.text.slice(1, -clearLine.length - 1);
  assert.match(visible, /^big\.csv \[#{8}-{22}\] {2}25% {2}400,000 rows {2}[\d.]+ MB\/s {2}ETA \d+:\d\d$/);
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
