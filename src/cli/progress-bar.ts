import type { ImportProgress } from '../ingest/import-file.js';

/**
 * Import progress on stderr: a redrawn bar (rows, MB/s, ETA) on a terminal, a plain log
 * line every few seconds otherwise, so CI logs and `nohup` files stay readable.
 */
export function createProgressReporter(
  stream: NodeJS.WriteStream,
  label: string,
): {
  update: (progress: ImportProgress) => void;
  done: () => void;
} {
  const started = Date.now();
  let lastLog = started;
  let drawn = false;
  return {
    update(progress) {
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      const mbPerSecond = progress.bytesRead / 1e6 / seconds;
      const fraction = progress.totalBytes > 0 ? Math.min(progress.bytesRead / progress.totalBytes, 1) : 0;
      const eta = mbPerSecond > 0 ? (progress.totalBytes - progress.bytesRead) / 1e6 / mbPerSecond : 0;
      const stats = `${progress.rows.toLocaleString('en-US')} rows  ${mbPerSecond.toFixed(1)} MB/s  ETA ${formatDuration(eta)}`;
      if (stream.isTTY) {
        const width = 30;
        const filled = Math.round(fraction * width);
        stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${stats}\u001b[K`);
        drawn = true;
      } else if (Date.now() - lastLog >= 5000) {
        lastLog = Date.now();
        stream.write(
          `${label}: ${(fraction * 100).toFixed(0)}% (${(progress.bytesRead / 1e6).toFixed(1)} of ${(progress.totalBytes / 1e6).toFixed(1)} MB), ${stats}\n`,
        );
      }
    },
    done() {
      if (drawn) stream.write('\n');
    },
  };
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, '0')}`;
}
