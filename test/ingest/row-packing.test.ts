import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RowPacker, RowUnpacker } from '../../src/ingest/row-packing.js';
import type { StagedRow } from '../../src/ingest/writers/import-writer.js';

test('rows packed for the trip between threads unpack to the same rows, batch after batch', () => {
  const packer = new RowPacker(5);
  const unpacker = new RowUnpacker(5);
  const row = (i: number): StagedRow => ({
    // unique ids (the dictionary fills and is bypassed), repeating clients and dates, numbers, nulls, an odd value
    values: [`ID-${i}`, `C${i % 37}`, `2025-0${1 + (i % 9)}-1${i % 10}`, i % 3 === 0 ? null : i * 1000 + 0.5, i % 1000 === 0 ? true : 'paid'],
    baseKey: i % 7 === 0 ? `hash-${i % 5}` : null,
    line: i + 2,
  });
  const all = Array.from({ length: 40_000 }, (_, i) => row(i));
  for (let start = 0; start < all.length; start += 999) {
    const batch = all.slice(start, start + 999);
    const { packed, transfer } = packer.pack(batch);
    assert.equal(transfer.length, 2);
    // What the other thread receives: a structured clone (the buffers would be moved, not copied).
    const received = structuredClone(packed);
    assert.deepEqual(unpacker.unpack(received), batch);
  }
});
