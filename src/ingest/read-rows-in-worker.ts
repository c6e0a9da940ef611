import path from 'node:path';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { MmError, type ErrorCode } from '../errors.js';
import type { ReadFileInput, RowSink } from './row-reader.js';
import { RowUnpacker } from './row-packing.js';
import type { FromWorker, ToWorker, WorkerError, WorkerSetup } from './row-reader-protocol.js';

/**
 * Runs row-reader.ts on a worker thread: the file is decoded, parsed and validated there
 * while this thread writes the previous batches, so a large import uses a second core
 * (measured in docs/PERFORMANCE.md). `read` behaves exactly as `readFileRows` on this
 * thread: the same batches, notes and errors reach the same sink, in the same order.
 *
 * The worker starts loading when this is constructed, so that it is ready by the time the
 * import has inspected the file; `stop` ends it when the import ends before reading.
 */
export class RowReaderWorker {
  readonly #worker: Worker;
  #listener: ((event: WorkerEvent) => void) | null = null;
  /** What the worker said before `read` listened: only a failure to start. */
  readonly #early: WorkerEvent[] = [];

  constructor() {
    this.#worker = startWorker({ workerData: { batchesAhead: BATCHES_AHEAD } satisfies WorkerSetup });
    const deliver = (event: WorkerEvent): void => {
      if (this.#listener) this.#listener(event);
      else this.#early.push(event);
    };
    this.#worker.on('message', (message: FromWorker) => deliver({ message }));
    this.#worker.on('error', (error) => deliver({ error }));
    this.#worker.on('exit', (code) => deliver({ error: new Error(`the row-reading worker stopped unexpectedly (exit code ${code})`) }));
  }

  read(input: ReadFileInput, sink: RowSink): Promise<void> {
    const worker = this.#worker;
    const send = (message: ToWorker): void => worker.postMessage(message);
    const unpacker = new RowUnpacker(input.dataset.columns.length);
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let queue = Promise.resolve();
      const finish = (error?: unknown): void => {
        if (settled) return;
        settled = true;
        this.stop();
        if (error === undefined) resolve();
        else reject(error);
      };
      const handle = async (message: FromWorker): Promise<void> => {
        if (settled) return;
        switch (message.type) {
          case 'begin':
            send({ type: 'reply', id: message.id, clients: await sink.begin() });
            return;
          case 'restart':
            await sink.restart();
            send({ type: 'reply', id: message.id });
            return;
          case 'note':
            sink.note(message.facts);
            return;
          case 'batch':
            await sink.batch({ ...message.batch, rows: unpacker.unpack(message.rows) });
            send({ type: 'batch-written' });
            return;
          case 'ready':
            return;
          case 'done':
            finish();
            return;
          case 'error':
            finish(revive(message.error));
        }
      };
      // One event at a time, in order: a batch is written before the next one is looked at,
      // and a worker that failed may have sent rows before it did.
      this.#listener = (event) => {
        queue = 'message' in event ? queue.then(() => handle(event.message)).catch(finish) : queue.then(() => finish(event.error));
      };
      for (const event of this.#early.splice(0)) this.#listener(event);
      send({
        type: 'start',
        input: {
          file: input.file,
          encoding: input.encoding,
          worksheet: input.worksheet ?? null,
          dataset: input.dataset.name,
          fileName: input.fileName,
          dateOrder: input.dateOrder,
          batchRows: input.batchRows,
          ...(input.preset !== undefined ? { preset: input.preset } : {}),
          // Profiles as plain data: the worker builds their presets itself (functions do not cross threads).
          ...(input.profile !== undefined ? { profile: input.profile } : {}),
          ...(input.profiles !== undefined ? { profiles: input.profiles } : {}),
          ...(input.client !== undefined ? { client: input.client } : {}),
          ...(input.prices !== undefined ? { prices: input.prices } : {}),
        },
      });
    });
  }

  /** Ends the worker (it holds no resources of the import: waiting for it would only delay). */
  stop(): void {
    void this.#worker.terminate();
  }
}

type WorkerEvent = { message: FromWorker } | { error: unknown };

/** Batches the worker may read ahead of the writes: enough to keep both threads busy, few enough to keep memory flat. */
const BATCHES_AHEAD = 4;

/**
 * Starts the worker module beside this one: compiled (.js) directly; run from source (.ts,
 * development and tests under tsx), through a bootstrap that registers tsx in the worker
 * first, because a worker thread does not inherit the loader hooks of its parent.
 */
function startWorker(options: WorkerOptions): Worker {
  const extension = path.extname(fileURLToPath(import.meta.url));
  const entry = new URL(`./row-reader-worker${extension}`, import.meta.url);
  return withWorkerSemiSpace(() => {
    if (extension !== '.ts') return new Worker(entry, options);
    const tsx = import.meta.resolve('tsx/esm/api');
    const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
    return new Worker(bootstrap, { ...options, eval: true });
  });
}

/** Young-generation semi-space of the worker, MB (new space: twice this). */
const WORKER_SEMI_SPACE_MB = 8;

/**
 * Creates the worker with a young generation of WORKER_SEMI_SPACE_MB. The import thread runs
 * with `--max-semi-space-size=64` (docs/PERFORMANCE.md: its batches must die young), and a
 * V8 flag is global: the worker would get 128 MB of new space, most of it touched, and push
 * a 1 GB import past its memory goal; `resourceLimits` does not override the flag. V8 reads
 * the flag when an isolate is created, so it is lowered for the worker's creation and put
 * back once the worker runs (measured: the same parsing speed, 35 MB less peak RSS; the
 * import thread's own heap was sized at start-up and does not change).
 */
function withWorkerSemiSpace(create: () => Worker): Worker {
  v8.setFlagsFromString(`--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`);
  let worker: Worker;
  try {
    worker = create();
  } catch (error) {
    v8.setFlagsFromString(`--max-semi-space-size=${startupSemiSpaceMb()}`);
    throw error;
  }
  // Put back once the worker has loaded its modules (its first message): under tsx, loading
  // them starts a loader thread of its own, which must get the small young generation too.
  const restore = (): void => v8.setFlagsFromString(`--max-semi-space-size=${startupSemiSpaceMb()}`);
  worker.once('message', restore);
  worker.once('exit', restore);
  return worker;
}

/** The process's own `--max-semi-space-size` (0: V8's default), from its command line or NODE_OPTIONS. */
function startupSemiSpaceMb(): number {
  const options = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  let mb = 0;
  for (const option of options) {
    const match = /^--max[-_]semi[-_]space[-_]size=(\d+)$/.exec(option);
    if (match) mb = Number(match[1]);
  }
  return mb;
}

function revive(error: WorkerError): Error {
  if (error.code !== null) return new MmError(error.code as ErrorCode, error.message, error.details);
  const revived = new Error(error.message);
  revived.stack = error.stack;
  return revived;
}
