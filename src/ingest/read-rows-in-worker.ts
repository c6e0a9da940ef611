import path from 'node:path';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { MmError, type ErrorCode } from '../errors.js';
import type { ReadFileInput, RowSink } from './row-reader.js';
import { RowUnpacker } from './row-packing.js';
import type { FromWorker, ToWorker, WorkerError, WorkerInput } from './row-reader-protocol.js';

/**
 * Runs row-reader.ts on a worker thread: the file is decoded, parsed and validated there
 * while this thread writes the previous batches, so a large import uses a second core
 * (measured in docs/PERFORMANCE.md). Behaves exactly as `readFileRows` on this thread: the
 * same batches, notes and errors reach the same sink, in the same order.
 */
export async function readFileRowsInWorker(input: ReadFileInput, sink: RowSink): Promise<void> {
  const workerInput: WorkerInput = {
    file: input.file,
    encoding: input.encoding,
    dataset: input.dataset.name,
    fileName: input.fileName,
    dateOrder: input.dateOrder,
    batchRows: input.batchRows,
    batchesAhead: BATCHES_AHEAD,
  };
  const worker = startWorker({ workerData: workerInput });
  const send = (message: ToWorker): void => worker.postMessage(message);
  const unpacker = new RowUnpacker(input.dataset.columns.length);

  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let queue = Promise.resolve();
    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      // Waiting for the worker to stop would only delay the import; it holds no resources of ours.
      void worker.terminate();
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
        case 'done':
          finish();
          return;
        case 'error':
          finish(revive(message.error));
      }
    };
    // One message at a time, in order: a batch is written before the next one is looked at.
    worker.on('message', (message: FromWorker) => {
      queue = queue.then(() => handle(message)).catch(finish);
    });
    // After the messages already received: a worker that failed may have sent rows first.
    worker.on('error', (error) => (queue = queue.then(() => finish(error))));
    worker.on('exit', (code) => (queue = queue.then(() => finish(new Error(`the row-reading worker stopped unexpectedly (exit code ${code})`)))));
  });
}

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
const WORKER_SEMI_SPACE_MB = 16;

/**
 * Creates the worker with a young generation of WORKER_SEMI_SPACE_MB. The import thread runs
 * with `--max-semi-space-size=64` (docs/PERFORMANCE.md: its batches must die young), and a
 * V8 flag is global: the worker would get 128 MB of new space, most of it touched, and push
 * a 1 GB import past its memory goal; `resourceLimits` does not override the flag. V8 reads
 * the flag when an isolate is created, so it is lowered for the worker's creation and put
 * back once the worker runs (measured: the same parsing speed, 35 MB less peak RSS).
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
  const restore = (): void => v8.setFlagsFromString(`--max-semi-space-size=${startupSemiSpaceMb()}`);
  worker.once('online', restore);
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
