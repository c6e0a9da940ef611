/**
 * Records that must not hold up the response that caused them — a security event for an
 * anonymous request, say — are queued and written in batches, one transaction per batch.
 * While another process holds SQLite's write lock (a CLI import), the batch waits for it
 * asynchronously and the requests go on being answered. `flush()` waits for everything
 * queued so far (the server calls it when it closes; tests call it before reading).
 */
export class WriteBehindQueue<T> {
  private pending: T[] = [];
  private running: Promise<void> | null = null;
  private dropped = 0;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly options: { maxQueued: number; batchSize: number; onError?: (error: unknown, items: number) => void; onDrop?: () => void },
  ) {}

  /** Queues one record; beyond `maxQueued` waiting records the oldest are dropped (and counted). */
  add(item: T): void {
    this.pending.push(item);
    if (this.pending.length > this.options.maxQueued) {
      this.pending.shift();
      this.dropped += 1;
      this.options.onDrop?.();
    }
    this.running ??= this.drain();
  }

  /** Records dropped because the queue was full (the database refused writes for too long). */
  get droppedCount(): number {
    return this.dropped;
  }

  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    // Let the current request finish queuing before the first batch is taken.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.options.batchSize);
        try {
          await this.write(batch);
        } catch (error) {
          if (!isBusy(error)) {
            this.options.onError?.(error, batch.length);
            continue;
          }
          // Another process still writes: keep the batch (ahead of newer records) and try again shortly.
          this.pending.unshift(...batch);
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
    } finally {
      this.running = null;
    }
  }
}

/** The database was busy (another writer) rather than refusing the records. */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'MM_DATABASE_BUSY' || (typeof code === 'string' && code.startsWith('SQLITE_BUSY'));
}
