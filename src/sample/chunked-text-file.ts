import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

/**
 * A file written as a stream of large chunks (text or bytes), honouring backpressure:
 * `write` waits for 'drain' when the stream's buffer is full, so memory stays flat however
 * big the file grows. Callers batch lines into ~1 MB chunks; one `write` per line would be
 * far slower.
 */
export class ChunkedTextFile {
  private readonly stream: WriteStream;
  private failure: Error | null = null;
  private writtenBytes = 0;

  constructor(readonly file: string) {
    this.stream = createWriteStream(file, { highWaterMark: 4 * 1024 * 1024 });
    // Kept until the next write or close, which rethrow it; an unheard 'error' would crash the process.
    this.stream.on('error', (error) => {
      this.failure = error;
    });
  }

  get bytes(): number {
    return this.writtenBytes;
  }

  async write(chunk: string | Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    this.writtenBytes += Buffer.byteLength(chunk);
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  /** Flushes and closes the file; resolves with the bytes written. */
  async close(): Promise<number> {
    if (this.failure) throw this.failure;
    this.stream.end();
    await finished(this.stream);
    return this.writtenBytes;
  }

  /** Abandons the file after a failure elsewhere. */
  destroy(): void {
    this.stream.destroy();
  }
}
