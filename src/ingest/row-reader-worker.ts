import { parentPort, workerData } from 'node:worker_threads';
import { isMmError } from '../errors.js';
import { getDataset } from './datasets/index.js';
import { readFileRows, type ClientList, type RowSink } from './row-reader.js';
import { RowPacker } from './row-packing.js';
import type { FromWorker, ToWorker, WorkerInput, WorkerSetup } from './row-reader-protocol.js';

/**
 * Entry point of the row-reading worker thread (read-rows-in-worker.ts): reads the file with
 * row-reader.ts and hands every batch to the importer's thread, which writes it.
 */

const setup = workerData as WorkerSetup;
const port = parentPort!;
const post = (message: FromWorker): void => port.postMessage(message);

const replies = new Map<number, (clients: ClientList | undefined) => void>();
let nextId = 0;
let batchesAhead = 0;
let onBatchWritten: (() => void) | null = null;

port.on('message', (message: ToWorker) => {
  if (message.type === 'start') void read(message.input);
  else if (message.type === 'reply') {
    replies.get(message.id)?.(message.clients);
    replies.delete(message.id);
  } else {
    batchesAhead -= 1;
    onBatchWritten?.();
  }
});

// Loaded: the importer's thread may now start other threads as it pleases.
post({ type: 'ready' });

function request(type: 'begin' | 'restart'): Promise<ClientList | undefined> {
  const id = nextId++;
  return new Promise((resolve) => {
    replies.set(id, resolve);
    post({ type, id });
  });
}

/** Reads the file into batches for the importer's thread; ends with `done` or `error`. */
async function read(input: WorkerInput): Promise<void> {
  const dataset = getDataset(input.dataset);
  const packer = new RowPacker(dataset.columns.length);
  const sink: RowSink = {
    begin: async () => (await request('begin'))!,
    restart: async () => {
      await request('restart');
    },
    note: (facts) => post({ type: 'note', facts }),
    async batch(batch) {
      const { rows, ...rest } = batch;
      const { packed, transfer } = packer.pack(rows);
      port.postMessage({ type: 'batch', batch: rest, rows: packed } satisfies FromWorker, transfer);
      batchesAhead += 1;
      // Read ahead of the writes by a few batches at most: memory stays flat however large the file.
      while (batchesAhead >= setup.batchesAhead) await new Promise<void>((resolve) => (onBatchWritten = resolve));
      onBatchWritten = null;
    },
  };
  try {
    await readFileRows({ ...input, dataset }, sink);
    post({ type: 'done' });
  } catch (error) {
    const e = error as Error;
    const shown = { code: isMmError(error) ? error.code : null, message: e.message, stack: e.stack };
    try {
      post({ type: 'error', error: { ...shown, details: isMmError(error) ? error.details : undefined } });
    } catch {
      post({ type: 'error', error: { ...shown, details: undefined } }); // details that cannot be cloned
    }
  }
  // The importer's thread ends this worker once it has the last message.
}
